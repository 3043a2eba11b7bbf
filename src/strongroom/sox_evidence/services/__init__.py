"""sox_evidence's use cases: run one IPE, run the catalog for a cutoff (submitting container
IPEs to Batch), run a submitted IPE in its job, list run records, check a month's freshness."""
