"""Where things live in the archive bucket.

Trigger responses keep the seed's layout, ``trigger/<id>/<id>_trigger_<yyyymmdd>.json``; run
reports live outside ``trigger/`` (``runs/<yyyy-mm-dd>/<run_id>.json``) so that the seed's
``aws s3 ls s3://<bucket>/trigger/ --recursive`` lists trigger files only.
"""

from __future__ import annotations

import re
from datetime import date

ARCHIVE_PREFIX = "trigger/"
RUN_REPORT_PREFIX = "runs/"
RUN_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def archive_key(client_id: int, trigger_date: date) -> str:
    """``trigger/42/42_trigger_20241127.json``."""
    if client_id < 0:
        raise ValueError(f"client id {client_id} is negative")
    stamp = trigger_date.strftime("%Y%m%d")
    return f"{ARCHIVE_PREFIX}{client_id}/{client_id}_trigger_{stamp}.json"


def run_report_key(trigger_date: date, run_id: str) -> str:
    """``runs/2024-11-27/<run_id>.json``: one report per run, never overwritten."""
    if not re.fullmatch(RUN_ID_PATTERN, run_id):
        raise ValueError(f"run id {run_id!r} does not match {RUN_ID_PATTERN}")
    return f"{RUN_REPORT_PREFIX}{trigger_date.isoformat()}/{run_id}.json"
