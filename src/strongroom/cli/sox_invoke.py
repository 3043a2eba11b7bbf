"""Invoking SOXAuto-PG01 through Lambda's Invoke API, and watching its run records appear.

Locally the running stack's AWS endpoint answers Invoke and runs the function in the local
runtime; on AWS the real Lambda does. The function answers once, when every IPE is done; while
it runs, the run records it writes to the results bucket (one per IPE, as each finishes) show
the progress.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from strongroom.cli.common import local_client, running_stack, stack_output
from strongroom.cli.function_invoke import (
    INVOKE_CONFIG,
    FunctionResult,
    invoke_and_wait,
    read_result,
)
from strongroom.sox_evidence.public import RunRecord, run_records

SYSTEM = "sox_evidence"
DEFAULT_FUNCTION_NAME = "SOXAuto-PG01"
POLL_SECONDS = 1.0
UNREADABLE = (BotoCoreError, ClientError, ValueError)
"""What reading the run records may raise (S3's errors, a record that does not validate)."""
CLOCK_SKEW = timedelta(minutes=2)
"""How far the function's clock may be behind this machine's when its run ids are matched."""


@dataclass(frozen=True)
class Target:
    """Where the run goes: the function, a Lambda client, and (when known) the results bucket
    with an S3 client, to watch the run records."""

    function_name: str
    lambda_client: Any
    bucket: str | None
    s3: Any | None


@dataclass(frozen=True)
class Pg01Answer:
    """One invocation: what Lambda answered."""

    status_code: int | None
    """The function's ``statusCode``; ``None`` when the invocation failed (FunctionError)."""
    body: Mapping[str, Any]
    """The function's ``body``, or Lambda's error payload (``errorType``, ``errorMessage``)."""
    seconds: float
    function_error: str | None = None

    @classmethod
    def of(cls, result: FunctionResult) -> Pg01Answer:
        return cls(result.status_code, result.body, result.seconds, result.function_error)

    @property
    def ipes(self) -> list[dict[str, Any]]:
        found = self.body.get("ipes") if self.status_code in (200, 207, 500) else None
        return [ipe for ipe in found if isinstance(ipe, dict)] if isinstance(found, list) else []

    @property
    def error_message(self) -> str:
        """Why the invocation failed or was refused ('' when the function ran the IPEs)."""
        if self.status_code is None:
            kind = self.body.get("errorType", "error")
            return f"{kind}: {self.body.get('errorMessage', 'no message')}"
        if self.status_code in (200, 207, 500):
            return ""
        return str(self.body.get("message") or f"the function answered {self.status_code}")


def pg01_answer(payload: bytes, function_error: str | None, seconds: float) -> Pg01Answer:
    """Lambda's answer to one invocation as a :class:`Pg01Answer`."""
    return Pg01Answer.of(read_result(payload, function_error, seconds))


def invoke(
    client: Any,
    function_name: str,
    event: Mapping[str, Any],
    clock: Callable[[], float] = time.monotonic,
) -> Pg01Answer:
    """Invoke (RequestResponse) and wait for the run to finish. Raises botocore's errors when
    Lambda could not be asked at all (unknown function, no endpoint, no permission)."""
    return Pg01Answer.of(invoke_and_wait(client, function_name, event, clock))


@dataclass
class RecordWatcher:
    """The run records of this command's run, as the function writes them: records of the
    chosen IPEs, started since the command began (less the clock skew), by this requester from
    the CLI."""

    s3: Any
    bucket: str
    ipe_ids: Sequence[str]
    requester: str
    since: datetime
    seen: dict[str, RunRecord] = field(default_factory=dict)
    earlier: set[str] = field(default_factory=set)
    """Run ids that were there before the invocation (a run of a minute ago is not this one)."""

    def baseline(self) -> None:
        """Remember the runs already written, before invoking."""
        self.earlier = {record.run_id for record in self._recent()}

    def new_records(self) -> list[RunRecord]:
        fresh = []
        for record in self._recent():
            if record.run_id in self.earlier or record.ipe_id in self.seen:
                continue
            if self._ours(record):
                self.seen[record.ipe_id] = record
                fresh.append(record)
        return fresh

    def _recent(self) -> list[RunRecord]:
        stamp = (self.since - CLOCK_SKEW).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return [
            record
            for ipe_id in self.ipe_ids
            for record in run_records(self.s3, self.bucket, ipe_id, started_after=stamp)
        ]

    def _ours(self, record: RunRecord) -> bool:
        context = record.context
        return context.trigger == "cli" and context.requester == self.requester


def invoke_watching(
    target: Target,
    event: Mapping[str, Any],
    watcher: RecordWatcher | None,
    on_record: Callable[[RunRecord], None],
    poll_seconds: float = POLL_SECONDS,
) -> Pg01Answer:
    """Invoke in a daemon thread (Ctrl-C stops the waiting, not the run); meanwhile hand each
    new run record to ``on_record``. Re-raises what the invocation raised."""
    outcome: list[Pg01Answer | BaseException] = []

    def call() -> None:
        try:
            outcome.append(invoke(target.lambda_client, target.function_name, event))
        except BaseException as error:  # handed to the waiting thread, which raises it
            outcome.append(error)

    if watcher is not None:
        try:
            watcher.baseline()
        except UNREADABLE:  # no progress then; the answer still says everything
            watcher = None
    worker = threading.Thread(target=call, name="sox-invoke", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(timeout=poll_seconds)
        _report(watcher, on_record)
    (result,) = outcome
    if isinstance(result, BaseException):
        raise result
    return result


def _report(watcher: RecordWatcher | None, on_record: Callable[[RunRecord], None]) -> None:
    if watcher is None:
        return
    try:
        fresh = watcher.new_records()
    except UNREADABLE:  # a listing that failed once: the next poll or the answer tells
        return
    for record in fresh:
        on_record(record)


def sox_target(function: str | None, on_aws: bool, bucket: str | None, state_dir: Path) -> Target:
    """``--function`` (or the default name with ``--aws``) on AWS with the standard credential
    chain, and ``--bucket`` when given; else the running local stack's function and bucket."""
    if function is not None or on_aws:
        session = boto3.session.Session()
        return Target(
            function or DEFAULT_FUNCTION_NAME,
            session.client("lambda", config=INVOKE_CONFIG),
            bucket,
            session.client("s3"),
        )
    endpoints = running_stack(state_dir)
    return Target(
        stack_output(endpoints, SYSTEM, "FunctionName"),
        local_client(endpoints, "lambda", INVOKE_CONFIG),
        stack_output(endpoints, SYSTEM, "ResultsBucketName"),
        local_client(endpoints, "s3"),
    )
