"""Build, lock and sign one run's evidence package, from its run record and its Parquet objects.

Order matters: the evidence files and ``package.zip`` go up first (their version ids go in the
manifest), then ``manifest.json``, then the signed statement (``SHA256SUMS``: the files' and the
manifest's SHA-256), its signature and the public key. Every object is written once with
COMPLIANCE retention until the same date; a key that exists is refused, never replaced. A
failure leaves what was written locked and names the IPE and run: the package is incomplete,
and ``sox verify`` says so.
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.adapters.evidence_bucket import EvidenceBucket
from strongroom.sox_evidence.adapters.evidence_signer import EvidenceSigner
from strongroom.sox_evidence.adapters.parquet_profile import profile_parts
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain import evidence
from strongroom.sox_evidence.domain.catalog import CatalogEntry
from strongroom.sox_evidence.domain.evidence_files import (
    RuntimeInfo,
    as_text,
    package_zip,
    render_files,
    sha256_hex,
)
from strongroom.sox_evidence.domain.runs import RunRecord

DEPENDENCIES = (
    "boto3",
    "botocore",
    "aws-lambda-powertools",
    "pydantic",
    "sqlalchemy",
    "pymssql",
    "pyarrow",
)
"""What shaped the extraction and the files: their versions go in the execution log."""

CONTENT_TYPES = {
    ".sql": "application/sql",
    ".json": "application/json",
    ".csv": "text/csv",
    ".html": "text/html; charset=utf-8",
    ".zip": "application/zip",
    ".pem": "application/x-pem-file",
    ".sig": "application/octet-stream",
}


def runtime_info() -> RuntimeInfo:
    versions = {}
    for name in DEPENDENCIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return RuntimeInfo(python=platform.python_version(), dependencies=versions)


class PackageLocation(BaseModel):
    """Where a run's package is: what the function answers and the run's log names."""

    model_config = ConfigDict(frozen=True)

    bucket: str
    prefix: str
    manifest_version_id: str | None


@dataclass(frozen=True)
class EvidencePackager:
    """The evidence bucket, the signing key and the retention, as wired from the environment."""

    bucket: EvidenceBucket
    signer: EvidenceSigner
    retention: timedelta
    clock: Callable[[], datetime]
    runtime: Callable[[], RuntimeInfo] = runtime_info

    def package(
        self, record: RunRecord, entry: CatalogEntry, store: ResultsStore
    ) -> PackageLocation:
        return build_package(record, entry, store, self)


def _content_type(name: str) -> str:
    suffix = name[name.rfind(".") :] if "." in name else ""
    return CONTENT_TYPES.get(suffix, "text/plain; charset=utf-8")


def build_package(
    record: RunRecord, entry: CatalogEntry, store: ResultsStore, packager: EvidencePackager
) -> PackageLocation:
    ipe = entry.definition
    prefix = evidence.package_prefix(record.ipe_id, record.context.cutoff_date, record.run_id)
    created_at = packager.clock()
    retain_until = (created_at + packager.retention).replace(microsecond=0)
    profile = profile_parts(record.parts, store, ipe.columns, ipe.control_totals)
    parquet = tuple(
        evidence.ParquetObject(
            bucket=store.bucket,
            key=part.key,
            size=part.bytes,
            sha256=part.sha256,
            version_id=part.version_id,
            rows=profile.rows_per_part[part.key],
        )
        for part in record.parts
    )
    files = render_files(record, profile, parquet, packager.runtime(), prefix)
    files[evidence.PACKAGE_ZIP] = package_zip(files)

    def put(name: str, body: bytes) -> str | None:
        return packager.bucket.put(prefix + name, body, _content_type(name), retain_until)

    packaged = tuple(
        evidence.PackagedFile(
            name=name, size=len(body), sha256=sha256_hex(body), version_id=put(name, body)
        )
        for name, body in files.items()
    )
    manifest = evidence.Manifest(
        ipe_id=record.ipe_id,
        cutoff_date=record.context.cutoff_date,
        run_id=record.run_id,
        status=record.status,
        evidence_bucket=packager.bucket.bucket,
        prefix=prefix,
        files=packaged,
        parquet=parquet,
        rows=profile.rows,
        control_totals={name: as_text(total) for name, total in profile.totals.items()},
        retain_until=retain_until,
        signing_key_id=packager.signer.key_id,
        created_at=created_at,
    )
    manifest_body = (manifest.model_dump_json(indent=2) + "\n").encode()
    manifest_version = put(evidence.MANIFEST, manifest_body)
    statement = evidence.statement(sha256_hex(manifest_body), packaged)
    put(evidence.STATEMENT, statement)
    put(evidence.SIGNATURE, packager.signer.sign(statement))
    put(evidence.PUBLIC_KEY, packager.signer.public_key_pem())
    return PackageLocation(
        bucket=packager.bucket.bucket, prefix=prefix, manifest_version_id=manifest_version
    )
