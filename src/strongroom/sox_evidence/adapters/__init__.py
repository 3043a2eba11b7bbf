"""sox_evidence's edges: the NAV BI database (SQLAlchemy), the results bucket (S3), Parquet."""
