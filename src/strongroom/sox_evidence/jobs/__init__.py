"""sox_evidence's Batch (Fargate) entry points."""
