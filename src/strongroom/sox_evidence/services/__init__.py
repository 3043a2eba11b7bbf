"""sox_evidence's use cases: run one IPE, run the catalog for a cutoff, list run records."""
