"""Lambda entry points of login activity: ``ingest`` (SQS) and ``query`` (HTTP API)."""
