"""What code outside sox_evidence (the CLI, its local seed data) may import: nothing else of it.

The import contracts in .importlinter keep the rest of the package private to it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from strongroom.sox_evidence.adapters.evidence_reader import S3EvidenceReader
from strongroom.sox_evidence.adapters.pem_signature import signature_valid
from strongroom.sox_evidence.adapters.results_store import S3ResultsStore
from strongroom.sox_evidence.adapters.signing_keys import KmsSigningKeys
from strongroom.sox_evidence.domain.catalog import CatalogEntry, IpeDefinition, catalog
from strongroom.sox_evidence.domain.cutoff import (
    InvalidCutoff,
    last_day_of_previous_month,
    parse_cutoff,
)
from strongroom.sox_evidence.domain.evidence import package_prefix, packages_prefix
from strongroom.sox_evidence.domain.runs import RUN_ID_PATTERN, RunRecord
from strongroom.sox_evidence.domain.schema import arrow_schema
from strongroom.sox_evidence.domain.verification import Check, VerificationReport, pem_to_der
from strongroom.sox_evidence.services.evidence_download import DownloadRefused
from strongroom.sox_evidence.services.evidence_download import (
    download_package as download,
)
from strongroom.sox_evidence.services.evidence_trust import manifest_key_trust, pinned_key_trust
from strongroom.sox_evidence.services.evidence_verification import (
    NoPackage,
    default_run_id,
    verify_offline,
    verify_online,
)
from strongroom.sox_evidence.services.run_records import latest_run, list_runs

__all__ = [
    "RUN_ID_PATTERN",
    "CatalogEntry",
    "Check",
    "DownloadRefused",
    "InvalidCutoff",
    "IpeDefinition",
    "NoPackage",
    "RunRecord",
    "VerificationReport",
    "arrow_schema",
    "catalog",
    "download_package",
    "last_day_of_previous_month",
    "last_run",
    "latest_run_id",
    "list_runs",
    "package_prefix",
    "packages_prefix",
    "parse_cutoff",
    "run_records",
    "verify_directory",
    "verify_package",
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


# --- evidence packages: verify and download (issue 15, `strongroom sox verify|download`) -------


def latest_run_id(s3: Any, results_bucket: str, ipe_id: str, cutoff: date) -> str:
    """The run of ``ipe_id`` for ``cutoff`` that started last; ``NoPackage`` when none ran."""
    return default_run_id(S3ResultsStore(results_bucket, s3), ipe_id, cutoff)


def verify_package(
    s3: Any, kms: Any, evidence_bucket: str, ipe_id: str, cutoff: date, run_id: str
) -> VerificationReport:
    """The run's package in the evidence bucket, every check online: the signature with
    ``public_key.pem``, which must be the public half of the KMS key the manifest names."""
    trust = manifest_key_trust(KmsSigningKeys(kms), signature_valid)
    return verify_online(S3EvidenceReader(s3), trust, evidence_bucket, ipe_id, cutoff, run_id)


def verify_directory(
    directory: Path,
    ipe_id: str,
    cutoff: date,
    run_id: str | None = None,
    public_key_pem: bytes | None = None,
) -> VerificationReport:
    """A downloaded package, without AWS; ``public_key_pem`` pins the trusted key (a PEM that
    is not one raises ``ValueError``)."""
    pinned = pem_to_der(public_key_pem) if public_key_pem is not None else None
    trust = pinned_key_trust(signature_valid, pinned)
    return verify_offline(directory, trust, ipe_id, cutoff, run_id)


def download_package(
    s3: Any, evidence_bucket: str, ipe_id: str, cutoff: date, run_id: str, directory: Path
) -> list[Path]:
    """The package's files and Parquet, at their recorded versions, in ``verify --offline``'s
    layout; ``NoPackage``, ``DownloadRefused`` (a target file exists: nothing replaced)."""
    return download(S3EvidenceReader(s3), evidence_bucket, ipe_id, cutoff, run_id, directory)
