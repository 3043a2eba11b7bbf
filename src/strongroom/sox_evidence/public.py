"""What code outside sox_evidence (the CLI, its local seed data) may import: nothing else of it.

The import contracts in .importlinter keep the rest of the package private to it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from strongroom.sox_evidence.adapters.results_store import S3ResultsStore
from strongroom.sox_evidence.domain.catalog import CatalogEntry, IpeDefinition, catalog
from strongroom.sox_evidence.domain.cutoff import (
    InvalidCutoff,
    last_day_of_previous_month,
    parse_cutoff,
)
from strongroom.sox_evidence.domain.evidence import package_prefix, packages_prefix
from strongroom.sox_evidence.domain.runs import RUN_ID_PATTERN, RunRecord
from strongroom.sox_evidence.domain.schema import arrow_schema
from strongroom.sox_evidence.services.run_records import latest_run, list_runs

__all__ = [
    "RUN_ID_PATTERN",
    "CatalogEntry",
    "InvalidCutoff",
    "IpeDefinition",
    "RunRecord",
    "arrow_schema",
    "catalog",
    "last_day_of_previous_month",
    "last_run",
    "list_runs",
    "package_prefix",
    "packages_prefix",
    "parse_cutoff",
    "run_records",
]


def run_records(
    s3: Any,
    bucket: str,
    ipe_id: str | None = None,
    cutoff: date | None = None,
    *,
    started_after: str | None = None,
) -> list[RunRecord]:
    """The run records in the results bucket ``bucket`` (by IPE, oldest run first), read with
    the caller's S3 client; ``started_after`` (a UTC ``YYYYMMDDTHHMMSSZ`` stamp) keeps only the
    runs that started after it, without reading the others."""
    return list_runs(S3ResultsStore(bucket, s3), ipe_id, cutoff, started_after=started_after)


def last_run(s3: Any, bucket: str, ipe_id: str, cutoff: date | None = None) -> RunRecord | None:
    """The run of ``ipe_id`` (for ``cutoff`` when given) that started last, or ``None``."""
    return latest_run(S3ResultsStore(bucket, s3), ipe_id, cutoff)
