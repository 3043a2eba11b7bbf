"""The one place sox_evidence reads its environment and builds its adapters.

Settings are read on first use (never at import) and cached for the life of the Lambda
environment or the Batch job. Each run opens its own source (``open_source``): the secret is
read (Powertools caches it five minutes), an engine is made, and disposed of when the run ends.
Tests bind twins with ``monkeypatch.setattr(wiring, "open_source", ...)`` / ``"results_store"``
/ ``"launcher"`` / ``"evidence_packager"`` (the evidence bucket, the KMS signer and the retention,
read from ``S3_EVIDENCE_BUCKET``, ``EVIDENCE_SIGNING_KEY_ARN`` and ``EVIDENCE_RETENTION_DAYS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from pydantic import Field

import strongroom
from strongroom.core import aws
from strongroom.core.settings import EnvironmentSettings, SettingsError
from strongroom.core.timefmt import utc_now
from strongroom.sox_evidence.adapters.evidence_bucket import S3EvidenceBucket
from strongroom.sox_evidence.adapters.evidence_reader import EvidenceReader, S3EvidenceReader
from strongroom.sox_evidence.adapters.evidence_signer import KmsEvidenceSigner
from strongroom.sox_evidence.adapters.ipe_jobs import BatchIpeJobLauncher, IpeJobLauncher
from strongroom.sox_evidence.adapters.nav_bi import (
    SourceDatabase,
    SqlSourceDatabase,
    nav_bi_engine,
)
from strongroom.sox_evidence.adapters.results_store import ResultsStore, S3ResultsStore
from strongroom.sox_evidence.adapters.secret import read_database_url
from strongroom.sox_evidence.adapters.signing_keys import KmsSigningKeys
from strongroom.sox_evidence.domain.freshness import EVIDENCE_DEADLINE_DAY, LAST_DEADLINE_DAY
from strongroom.sox_evidence.services.evidence_packaging import EvidencePackager
from strongroom.sox_evidence.services.evidence_trust import Trust, stack_key_trust
from strongroom.sox_evidence.services.ipe_run import ExtractionLimits

__all__ = [
    "SettingsError",
    "SoxSettings",
    "evidence_check",
    "evidence_packager",
    "freshness_store",
    "launcher",
    "open_source",
    "results_store",
    "settings",
]

BUCKET_NAME_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"


class SoxSettings(EnvironmentSettings):
    """The seed's variables (``CUTOFF_DATE``, ``LOG_LEVEL`` is Powertools'), and the secret."""

    results_bucket: str = Field(alias="S3_RESULTS_BUCKET", pattern=BUCKET_NAME_PATTERN)
    evidence_bucket: str = Field(alias="S3_EVIDENCE_BUCKET", pattern=BUCKET_NAME_PATTERN)
    athena_database: str = Field(alias="ATHENA_DATABASE", pattern=r"^[a-z0-9_]{1,255}$")
    athena_output_location: str = Field(alias="ATHENA_OUTPUT_LOCATION", pattern=r"^s3://\S+/$")
    cutoff_date: str | None = Field(default=None, alias="CUTOFF_DATE")
    """Checked by the cutoff rules when a run uses it, so the error names it with the rule."""
    db_secret_name: str = Field(
        default="DB_CREDENTIALS_NAV_BI", alias="DB_SECRET_NAME", min_length=1
    )
    batch_rows: int = Field(default=50_000, alias="BATCH_ROWS", ge=100, le=1_000_000)
    rows_per_part: int = Field(default=1_000_000, alias="ROWS_PER_PART", ge=1_000)
    budget_margin_s: float = Field(default=120.0, alias="BUDGET_MARGIN_S", ge=0, le=900)
    """No IPE starts with less than this left of the function's time."""
    job_queue: str = Field(default="", alias="JOB_QUEUE_ARN")
    job_definition: str = Field(default="", alias="JOB_DEFINITION_ARN")
    """The container path's queue and job definition; empty when it is not deployed."""

    @property
    def limits(self) -> ExtractionLimits:
        return ExtractionLimits(batch_rows=self.batch_rows, rows_per_part=self.rows_per_part)


@cache
def settings() -> SoxSettings:
    return SoxSettings.from_environment()


@cache
def results_store() -> ResultsStore:
    return S3ResultsStore(settings().results_bucket, aws.client("s3"))


class ResultsSettings(EnvironmentSettings):
    """The freshness check reads run records only."""

    results_bucket: str = Field(alias="S3_RESULTS_BUCKET", pattern=BUCKET_NAME_PATTERN)


class JobSettings(EnvironmentSettings):
    """What Batch tells a container IPE's job about itself (absent outside Batch)."""

    batch_job_id: str | None = Field(default=None, alias="AWS_BATCH_JOB_ID")


@cache
def freshness_store() -> ResultsStore:
    return S3ResultsStore(ResultsSettings.from_environment().results_bucket, aws.client("s3"))


class EvidenceCheckSettings(EnvironmentSettings):
    """The evidence freshness check: both buckets, the stack's signing key, the deadline day."""

    results_bucket: str = Field(alias="S3_RESULTS_BUCKET", pattern=BUCKET_NAME_PATTERN)
    evidence_bucket: str = Field(alias="S3_EVIDENCE_BUCKET", pattern=BUCKET_NAME_PATTERN)
    signing_key_arn: str = Field(alias="EVIDENCE_SIGNING_KEY_ARN", pattern=r"^arn:aws[\w-]*:kms:")
    deadline_day: int = Field(
        default=EVIDENCE_DEADLINE_DAY, alias="EVIDENCE_DEADLINE_DAY", ge=1, le=LAST_DEADLINE_DAY
    )


@dataclass(frozen=True)
class EvidenceCheck:
    results: ResultsStore
    reader: EvidenceReader
    trust: Trust
    evidence_bucket: str
    deadline_day: int


@cache
def evidence_check() -> EvidenceCheck:
    """Signatures are checked by KMS's ``Verify`` with the stack's key: the bundle has no
    ``cryptography`` (decision 0008)."""
    config = EvidenceCheckSettings.from_environment()
    s3 = aws.client("s3")
    return EvidenceCheck(
        results=S3ResultsStore(config.results_bucket, s3),
        reader=S3EvidenceReader(s3),
        trust=stack_key_trust(KmsSigningKeys(aws.client("kms")), config.signing_key_arn),
        evidence_bucket=config.evidence_bucket,
        deadline_day=config.deadline_day,
    )


@cache
def launcher() -> IpeJobLauncher | None:
    """Batch, when the template deployed the container path; else None (container IPEs fail)."""
    config = settings()
    if not (config.job_queue and config.job_definition):
        return None
    return BatchIpeJobLauncher(aws.client("batch"), config.job_queue, config.job_definition)


@contextmanager
def open_source() -> Iterator[SourceDatabase]:
    """The NAV BI database for one run; the engine is disposed of when the run ends."""
    engine = nav_bi_engine(read_database_url(settings().db_secret_name))
    try:
        yield SqlSourceDatabase(engine)
    finally:
        engine.dispose()


class EvidenceSettings(EnvironmentSettings):
    """Where each run's evidence package goes, who signs it and how long it stays locked."""

    evidence_bucket: str = Field(alias="S3_EVIDENCE_BUCKET", pattern=BUCKET_NAME_PATTERN)
    signing_key: str = Field(alias="EVIDENCE_SIGNING_KEY_ARN", min_length=1)
    retention_days: int = Field(alias="EVIDENCE_RETENTION_DAYS", ge=1, le=36_500)


@cache
def evidence_packager() -> EvidencePackager:
    config = EvidenceSettings.from_environment()
    return EvidencePackager(
        bucket=S3EvidenceBucket(config.evidence_bucket, aws.client("s3")),
        signer=KmsEvidenceSigner(aws.client("kms"), config.signing_key),
        retention=timedelta(days=config.retention_days),
        clock=utc_now,
    )


PACKAGE_VERSION = strongroom.__version__
