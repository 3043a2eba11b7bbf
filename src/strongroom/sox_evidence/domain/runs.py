"""Run ids, where a run's objects live, and the run record that part 2 turns into evidence.

Results bucket layout (Hive-style partitions, so Athena projects ``cutoff_date`` and ``run_id``)::

    ipe/<IPE_ID>/cutoff_date=<YYYY-MM-DD>/run_id=<run id>/part-NNNNN.parquet
    runs/<IPE_ID>/cutoff_date=<YYYY-MM-DD>/run_id=<run id>.json

A run id starts with its UTC start time, so ids sort in the order runs started, and ends with
random hex, so two runs never share one: a rerun never overwrites an earlier run.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from strongroom.sox_evidence.domain.checks import CheckResult
from strongroom.sox_evidence.domain.statements import RenderedStatement

RUN_ID_PATTERN = r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$"
Trigger = Literal["schedule", "invoke", "cli"]
Status = Literal["succeeded", "failed"]
RunsOn = Literal["lambda", "container"]


def new_run_id(started_at: datetime, token: str | None = None) -> str:
    stamp = started_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{token or secrets.token_hex(4)}"


def run_prefix(ipe_id: str, cutoff: date, run_id: str) -> str:
    return f"ipe/{ipe_id}/cutoff_date={cutoff.isoformat()}/run_id={run_id}/"


def part_key(ipe_id: str, cutoff: date, run_id: str, index: int) -> str:
    return f"{run_prefix(ipe_id, cutoff, run_id)}part-{index:05d}.parquet"


def record_key(ipe_id: str, cutoff: date, run_id: str) -> str:
    return f"runs/{ipe_id}/cutoff_date={cutoff.isoformat()}/run_id={run_id}.json"


def run_id_of_record_key(key: str) -> str:
    """The run id a record key names (``runs/.../run_id=<id>.json``)."""
    return key.rpartition("run_id=")[2].removesuffix(".json")


def records_prefix(ipe_id: str | None = None, cutoff: date | None = None) -> str:
    if ipe_id is None:
        return "runs/"
    if cutoff is None:
        return f"runs/{ipe_id}/"
    return f"runs/{ipe_id}/cutoff_date={cutoff.isoformat()}/"


class WrittenPart(BaseModel):
    """One Parquet object as uploaded: its exact bytes' SHA-256 and the version S3 gave it."""

    model_config = ConfigDict(frozen=True)

    key: str
    rows: int
    bytes: int
    sha256: str
    version_id: str | None


class ServerIdentity(BaseModel):
    model_config = ConfigDict(frozen=True)

    server_name: str
    database: str
    version: str
    login: str
    dialect: str


class RunContext(BaseModel):
    """What every IPE of one invocation shares."""

    model_config = ConfigDict(frozen=True)

    trigger: Trigger
    requester: str
    cutoff_date: date
    cutoff_source: Literal["event", "setting", "default"]
    results_bucket: str
    package_version: str


class RunRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    record_version: Literal[1] = 1
    run_id: str = Field(pattern=RUN_ID_PATTERN)
    ipe_id: str
    ipe_title: str
    control: str
    catalog_file: str
    catalog_sha256: str
    """SHA-256 of the IPE's definition file as run: the catalog version."""
    context: RunContext
    started_at: datetime
    ended_at: datetime
    status: Status
    failure: str | None = None
    """Why the run failed when no check did (the database or S3 refused)."""
    rows: int
    bytes: int
    parts: tuple[WrittenPart, ...]
    control_totals: dict[str, Decimal]
    """The server's control totals (the written data's are in the checks)."""
    checks: tuple[CheckResult, ...]
    statements: tuple[RenderedStatement, ...]
    server: ServerIdentity | None
    runs_on: RunsOn = "lambda"
    """Where the extraction ran: the function, or a Batch job on Fargate (the container path)."""
    batch_job_id: str | None = None
    """The Batch job that ran it (the container path), as DescribeJobs and the console name it."""

    @property
    def failed_checks(self) -> list[str]:
        return [check.name for check in self.checks if not check.passed]
