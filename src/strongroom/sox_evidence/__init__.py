"""sox_evidence (seed 003): monthly IPE extractions for SOX control PG-01.

Each IPE of the catalog is extracted from the NAV BI database as of a cutoff date in one
read-consistent transaction, streamed into Parquet in the results bucket, and proven complete
and accurate (row counts, control totals, witnesses present, exclusions absent); every run
leaves a run record that the evidence package (part 2) is built from.
"""
