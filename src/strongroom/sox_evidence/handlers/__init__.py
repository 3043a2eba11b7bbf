"""sox_evidence's Lambda entry points."""
