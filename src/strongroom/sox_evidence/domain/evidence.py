"""An IPE run's evidence package: where it lives, what it holds, and the statement that is signed.

Evidence bucket layout, one immutable prefix per run (every object under Object Lock, COMPLIANCE)::

    evidence/<IPE_ID>/<YYYY-MM-DD>/<run_id>/01_executed_query.sql ... PARQUET.SHA256SUMS
    evidence/<IPE_ID>/<YYYY-MM-DD>/<run_id>/package.zip        the evidence files in one download
    evidence/<IPE_ID>/<YYYY-MM-DD>/<run_id>/manifest.json      every file and Parquet object
    evidence/<IPE_ID>/<YYYY-MM-DD>/<run_id>/SHA256SUMS         the signed statement
    evidence/<IPE_ID>/<YYYY-MM-DD>/<run_id>/SHA256SUMS.sig     its signature (KMS, RSA PKCS#1 v1.5)
    evidence/<IPE_ID>/<YYYY-MM-DD>/<run_id>/public_key.pem     the signing key's public half

The signed statement is ``sha256sum``'s own format: one line per evidence file, ``package.zip``
and ``manifest.json`` (which holds the Parquet objects' digests). An auditor checks it with
``openssl dgst -sha256 -verify public_key.pem -signature SHA256SUMS.sig SHA256SUMS`` and then
``sha256sum -c SHA256SUMS``, with no AWS access and no tool of ours. The statement is signed as a
RAW message (KMS hashes it with SHA-256), which verifies the same way on AWS, on moto and offline.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

EVIDENCE_ROOT = "evidence/"

EXECUTED_QUERY = "01_executed_query.sql"
QUERY_PARAMETERS = "02_query_parameters.json"
DATA_SNAPSHOT = "03_data_snapshot.csv"
DATA_SUMMARY = "04_data_summary.json"
INTEGRITY_HASHES = "05_integrity_hashes.json"
VALIDATION_RESULTS = "06_validation_results.json"
EXECUTION_LOG = "07_execution_log.json"
REPORT = "report.html"
PARQUET_SUMS = "PARQUET.SHA256SUMS"
"""``<hex>  parquet/<name>`` per Parquet object, for ``sha256sum -c`` after downloading them."""
EVIDENCE_FILES = (
    EXECUTED_QUERY,
    QUERY_PARAMETERS,
    DATA_SNAPSHOT,
    DATA_SUMMARY,
    INTEGRITY_HASHES,
    VALIDATION_RESULTS,
    EXECUTION_LOG,
    REPORT,
    PARQUET_SUMS,
)
"""The files an auditor reads, each uploaded on its own and inside ``package.zip``."""

PACKAGE_ZIP = "package.zip"
MANIFEST = "manifest.json"
STATEMENT = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"
PUBLIC_KEY = "public_key.pem"
SIGNING_ALGORITHM = "RSASSA_PKCS1_V1_5_SHA_256"
"""KMS's name; ``openssl dgst -sha256 -verify`` checks it as it is."""

PARQUET_DIR = "parquet"
"""Where ``sox verify --offline DIR`` expects the run's Parquet objects: ``DIR/parquet/<name>``."""


def package_prefix(ipe_id: str, cutoff: date, run_id: str) -> str:
    return f"{EVIDENCE_ROOT}{ipe_id}/{cutoff.isoformat()}/{run_id}/"


def packages_prefix(ipe_id: str, cutoff: date | None = None) -> str:
    if cutoff is None:
        return f"{EVIDENCE_ROOT}{ipe_id}/"
    return f"{EVIDENCE_ROOT}{ipe_id}/{cutoff.isoformat()}/"


class PackagedFile(BaseModel):
    """One object of the package (an evidence file or ``package.zip``) as uploaded."""

    model_config = ConfigDict(frozen=True)

    name: str
    """Its name under the package prefix."""
    size: int
    sha256: str
    """Hex SHA-256 of the exact bytes uploaded."""
    version_id: str | None


class ParquetObject(BaseModel):
    """One Parquet object of the run, in the results bucket, at the version the run wrote."""

    model_config = ConfigDict(frozen=True)

    bucket: str
    key: str
    size: int
    sha256: str
    version_id: str | None
    rows: int


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True)

    manifest_version: Literal[1] = 1
    ipe_id: str
    cutoff_date: date
    run_id: str
    status: Literal["succeeded", "failed"]
    """The run's result: packages are written for failed runs too."""
    evidence_bucket: str
    prefix: str
    files: tuple[PackagedFile, ...]
    """Every evidence file and ``package.zip``, in ``EVIDENCE_FILES`` order, the zip last."""
    parquet: tuple[ParquetObject, ...]
    rows: int
    """Rows in all Parquet objects together (their footers' counts)."""
    control_totals: dict[str, str]
    """Each control total of the written rows, as exact decimal text."""
    retention_mode: Literal["COMPLIANCE"] = "COMPLIANCE"
    retain_until: datetime
    """Every object of the package is locked until then (UTC)."""
    signing_key_id: str
    """The KMS key's ARN (or ``local:<fingerprint>`` for a key held in memory)."""
    signing_algorithm: str = SIGNING_ALGORITHM
    created_at: datetime


def statement(manifest_sha256: str, files: Iterable[PackagedFile]) -> bytes:
    """The signed ``SHA256SUMS``: ``<hex>  <name>`` per line (two spaces: sha256sum's text
    mode), the package's files in order, then ``manifest.json``; at most a few hundred bytes,
    well under KMS's 4,096-byte limit for a RAW message."""
    lines = [f"{file.sha256}  {file.name}" for file in files]
    lines.append(f"{manifest_sha256}  {MANIFEST}")
    return ("\n".join(lines) + "\n").encode("ascii")


def parse_statement(body: bytes) -> dict[str, str]:
    """``SHA256SUMS`` back into name -> hex digest; a malformed line raises ``ValueError``."""
    digests: dict[str, str] = {}
    for number, line in enumerate(body.decode("ascii").splitlines(), start=1):
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64 or not name:
            raise ValueError(f"{STATEMENT} line {number} is not '<sha256>  <name>': {line!r}")
        digests[name] = digest
    return digests
