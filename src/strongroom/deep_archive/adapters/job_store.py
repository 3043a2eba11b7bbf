"""Archive jobs and their per-archive checkpoints: the Jobs table.

Hash ``job_id``, range ``record``: ``"JOB"`` for the JobRecord, ``"ARCHIVE#000042"`` for the
checkpoint of archive 42. Only JOB items carry ``run_key``, so the ``byRunKey`` index (range
``created_at``) lists jobs alone. Every update is conditional on the job existing, so a stray
worker never creates half an item; counters and lists change atomically on the server, so
packers running in parallel never lose each other's updates.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, Self

from pydantic import Field

from strongroom.core import aws
from strongroom.core.settings import TABLE_NAME_PATTERN, EnvironmentSettings
from strongroom.core.timefmt import utc_now
from strongroom.deep_archive.adapters.item_codec import Item, attribute, from_item, one_of, to_item
from strongroom.deep_archive.domain.job_records import (
    ArchiveCheckpoint,
    JobCounts,
    JobRecord,
    JobStatus,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BY_RUN_KEY_INDEX = "byRunKey"
JOB_RECORD = "JOB"
RUN_CLAIM_RECORD = "RUN_CLAIM"
"""The item naming the job that holds a run key: key ``("run#<run_key>", RUN_CLAIM)``."""
CHECKPOINT_PREFIX = "ARCHIVE#"
MAX_ERRORS = 100
"""Errors kept per job; later ones are only counted (``errors_truncated``)."""
MAX_ERROR_LENGTH = 1_000
"""Characters kept per error, so 100 of them never approach DynamoDB's 400 KB item limit."""
_APPEND_ATTEMPTS = 10
_KEY_ATTRIBUTES = ("record", "run_key")


class JobNotFound(LookupError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no archive job {job_id!r}")
        self.job_id = job_id


class JobAlreadyExists(Exception):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"archive job {job_id!r} already exists")
        self.job_id = job_id


class StatusConflict(Exception):
    """The job's status is not one the change may start from (another worker moved it on)."""

    def __init__(self, job_id: str, wanted: JobStatus, allowed_from: Collection[JobStatus]) -> None:
        allowed = ", ".join(sorted(status.value for status in allowed_from))
        super().__init__(f"job {job_id!r} may become {wanted.value} only from {allowed}")
        self.job_id = job_id
        self.wanted = wanted
        self.allowed_from = frozenset(allowed_from)


class JobStore(Protocol):
    def create(self, record: JobRecord) -> None:
        """Store a new job; JobAlreadyExists if its id is taken."""
        ...

    def get(self, job_id: str) -> JobRecord | None: ...

    def set_status(
        self,
        job_id: str,
        status: JobStatus,
        *,
        allowed_from: Collection[JobStatus],
        reason: str | None = None,
    ) -> None:
        """Move the job to ``status`` if it is in ``allowed_from`` (else StatusConflict).

        ``reason`` becomes ``status_reason`` (e.g. why it failed); without one it is cleared.
        """
        ...

    def add_counts(self, job_id: str, **deltas: int) -> None:
        """Add each delta to the counter of that name (a JobCounts field), atomically."""
        ...

    def set_plan(
        self,
        job_id: str,
        *,
        counts: Mapping[str, int],
        archive_keys: Sequence[str],
        estimate: Mapping[str, object] | None,
    ) -> None:
        """Record the planner's result: the named counters, the archive keys and the estimate.

        Counters not named keep their values, so planning again never wipes packing progress.
        """
        ...

    def append_errors(self, job_id: str, messages: Sequence[str]) -> None:
        """Append ``messages``, keeping at most MAX_ERRORS; the rest only counted."""
        ...

    def add_batch_job_id(self, job_id: str, batch_job_id: str) -> None: ...

    def put_checkpoint(self, job_id: str, checkpoint: ArchiveCheckpoint) -> None:
        """Store (or replace) the checkpoint of archive ``checkpoint.index``."""
        ...

    def get_checkpoint(self, job_id: str, index: int) -> ArchiveCheckpoint | None: ...

    def list_checkpoints(self, job_id: str) -> builtins.list[ArchiveCheckpoint]:
        """Every checkpoint of the job, by archive index."""
        ...

    def latest_for_run_key(self, run_key: str) -> JobRecord | None:
        """The most recently created job archiving ``run_key``, if any."""
        ...

    def run_holder(self, run_key: str) -> str | None:
        """The job that last claimed ``run_key`` (see ``claim_run``), if any."""
        ...

    def claim_run(self, run_key: str, job_id: str, *, replacing: str | None) -> bool:
        """Make ``job_id`` the holder of ``run_key`` if the holder is still ``replacing``.

        A conditional write, so of two requests that saw the same holder only one wins: two
        jobs can never both start archiving the same prefix.
        """
        ...

    def release_run(self, run_key: str, job_id: str) -> None:
        """Remove the claim of ``run_key`` if ``job_id`` still holds it (else do nothing).

        For a job whose record could not be written after it claimed the run.
        """
        ...


class JobsTableSettings(EnvironmentSettings):
    table_name: str = Field(alias="JOBS_TABLE_NAME", pattern=TABLE_NAME_PATTERN)


def checkpoint_record(index: int) -> str:
    """``ARCHIVE#000042``: zero-padded so checkpoints sort by index."""
    if not 0 <= index <= 999_999:
        raise ValueError(f"archive index {index} is outside 0..999999")
    return f"{CHECKPOINT_PREFIX}{index:06d}"


def _claim_key(run_key: str) -> Item:
    return {"job_id": attribute(f"run#{run_key}"), "record": attribute(RUN_CLAIM_RECORD)}


def job_item(record: JobRecord) -> Item:
    return to_item(
        record,
        record=JOB_RECORD,
        run_key=record.settings.run_key,
        created_at=record.created_at,
    )


def job_from_item(item: Mapping[str, Any]) -> JobRecord:
    values = from_item(item)
    for name in _KEY_ATTRIBUTES:
        values.pop(name, None)
    return JobRecord.model_validate(values)


def checkpoint_item(job_id: str, checkpoint: ArchiveCheckpoint) -> Item:
    return to_item(checkpoint, job_id=job_id, record=checkpoint_record(checkpoint.index))


def checkpoint_from_item(item: Mapping[str, Any]) -> ArchiveCheckpoint:
    values = from_item(item)
    for name in ("job_id", "record"):
        values.pop(name, None)
    return ArchiveCheckpoint.model_validate(values)


def checked_counters(deltas: Mapping[str, int]) -> dict[str, int]:
    """``deltas`` if every name is a JobCounts counter and every value an int."""
    unknown = sorted(set(deltas) - set(JobCounts.model_fields))
    if unknown:
        raise ValueError(f"not job counters: {', '.join(unknown)}")
    for name, value in deltas.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"counter {name} must change by an int, not {value!r}")
    return dict(deltas)


def counter_terms(
    counters: Mapping[str, int], separator: str
) -> tuple[builtins.list[str], dict[str, str], dict[str, Any]]:
    """``#counts.#c0<separator>:c0`` per counter, by name, with the names and values they use."""
    names = {"#counts": "counts"}
    values: dict[str, Any] = {}
    terms = []
    for number, (name, value) in enumerate(sorted(counters.items())):
        names[f"#c{number}"] = name
        values[f":c{number}"] = attribute(value)
        terms.append(f"#counts.#c{number}{separator}:c{number}")
    return terms, names, values


def clipped(messages: Sequence[str]) -> builtins.list[str]:
    return [message[:MAX_ERROR_LENGTH] for message in messages]


class DynamoDBJobStore:
    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._table_name = table_name
        self._client: DynamoDBClient = client or aws.client("dynamodb")
        self._clock = clock

    @classmethod
    def from_environment(cls) -> Self:
        return cls(JobsTableSettings.from_environment().table_name)

    def create(self, record: JobRecord) -> None:
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item=job_item(record),
                ConditionExpression="attribute_not_exists(job_id)",
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise JobAlreadyExists(record.job_id) from None

    def get(self, job_id: str) -> JobRecord | None:
        item = self._read(self._key(job_id))
        return None if item is None else job_from_item(item)

    def set_status(
        self,
        job_id: str,
        status: JobStatus,
        *,
        allowed_from: Collection[JobStatus],
        reason: str | None = None,
    ) -> None:
        allowed = sorted(allowed_from)
        if not allowed:
            raise ValueError("allowed_from is empty: no status could ever change")
        choices, values = one_of(allowed)
        values |= {":status": attribute(status), ":now": attribute(self._clock())}
        update = "SET #status = :status, updated_at = :now"
        if reason is None:
            update += " REMOVE status_reason"
        else:
            update += ", status_reason = :reason"
            values[":reason"] = attribute(reason[:MAX_ERROR_LENGTH])
        try:
            self._update(
                job_id,
                update,
                condition=f"#status IN {choices}",
                names={"#status": "status"},
                values=values,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            if self.get(job_id) is None:
                raise JobNotFound(job_id) from None
            raise StatusConflict(job_id, status, allowed_from) from None

    def add_counts(self, job_id: str, **deltas: int) -> None:
        counters = checked_counters(deltas)
        if not counters:
            return
        additions, names, values = counter_terms(counters, " ")
        values[":now"] = attribute(self._clock())
        self._update_existing(
            job_id,
            "SET updated_at = :now ADD " + ", ".join(additions),
            names=names,
            values=values,
        )

    def set_plan(
        self,
        job_id: str,
        *,
        counts: Mapping[str, int],
        archive_keys: Sequence[str],
        estimate: Mapping[str, object] | None,
    ) -> None:
        counters = checked_counters(counts)
        assignments, names, values = counter_terms(counters, " = ")
        values |= {
            ":now": attribute(self._clock()),
            ":archives": attribute(list(archive_keys)),
            ":estimate": attribute(None if estimate is None else dict(estimate)),
        }
        assignments += ["updated_at = :now", "archives = :archives", "estimate = :estimate"]
        self._update_existing(job_id, "SET " + ", ".join(assignments), names=names, values=values)

    def append_errors(self, job_id: str, messages: Sequence[str]) -> None:
        pending = clipped(messages)
        if not pending:
            return
        # Optimistic first: append the lot while the list has room for it, without a read.
        # Otherwise read the list's size and keep what fits; the size condition makes each
        # attempt atomic against other appenders, and a lost race reads again.
        if len(pending) <= MAX_ERRORS and self._append_if_size(
            job_id, pending, [], "<=", MAX_ERRORS - len(pending)
        ):
            return
        for _ in range(_APPEND_ATTEMPTS):
            size = self._errors_size(job_id)
            room = max(0, MAX_ERRORS - size)
            if self._append_if_size(job_id, pending[:room], pending[room:], "=", size):
                return
        raise RuntimeError(f"job {job_id!r}: its errors kept changing while appending")

    def add_batch_job_id(self, job_id: str, batch_job_id: str) -> None:
        self._update_existing(
            job_id,
            "SET batch_job_ids = list_append(batch_job_ids, :ids), updated_at = :now",
            names={},
            values={":ids": attribute([batch_job_id]), ":now": attribute(self._clock())},
        )

    def put_checkpoint(self, job_id: str, checkpoint: ArchiveCheckpoint) -> None:
        self._client.put_item(TableName=self._table_name, Item=checkpoint_item(job_id, checkpoint))

    def get_checkpoint(self, job_id: str, index: int) -> ArchiveCheckpoint | None:
        item = self._read(
            {"job_id": attribute(job_id), "record": attribute(checkpoint_record(index))}
        )
        return None if item is None else checkpoint_from_item(item)

    def list_checkpoints(self, job_id: str) -> builtins.list[ArchiveCheckpoint]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            KeyConditionExpression="job_id = :job_id AND begins_with(#record, :prefix)",
            ExpressionAttributeNames={"#record": "record"},
            ExpressionAttributeValues={
                ":job_id": attribute(job_id),
                ":prefix": attribute(CHECKPOINT_PREFIX),
            },
            ConsistentRead=True,
        )
        return [checkpoint_from_item(item) for page in pages for item in page["Items"]]

    def latest_for_run_key(self, run_key: str) -> JobRecord | None:
        # A GSI read is eventually consistent: a job created a moment ago may be missing.
        response = self._client.query(
            TableName=self._table_name,
            IndexName=BY_RUN_KEY_INDEX,
            KeyConditionExpression="run_key = :run_key",
            ExpressionAttributeValues={":run_key": attribute(run_key)},
            ScanIndexForward=False,
            Limit=1,
        )
        items = response["Items"]
        return job_from_item(items[0]) if items else None

    def run_holder(self, run_key: str) -> str | None:
        item = self._read(_claim_key(run_key))
        return None if item is None else str(from_item(item)["holder"])

    def claim_run(self, run_key: str, job_id: str, *, replacing: str | None) -> bool:
        arguments: dict[str, Any] = {
            "TableName": self._table_name,
            "Item": {**_claim_key(run_key), "holder": attribute(job_id)},
        }
        if replacing is None:
            arguments["ConditionExpression"] = "attribute_not_exists(job_id)"
        else:
            arguments["ConditionExpression"] = "holder = :previous"
            arguments["ExpressionAttributeValues"] = {":previous": attribute(replacing)}
        try:
            self._client.put_item(**arguments)
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def release_run(self, run_key: str, job_id: str) -> None:
        try:
            self._client.delete_item(
                TableName=self._table_name,
                Key=_claim_key(run_key),
                ConditionExpression="holder = :holder",
                ExpressionAttributeValues={":holder": attribute(job_id)},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return

    def _read(self, key: Item, **options: Any) -> Mapping[str, Any] | None:
        """The item at ``key``, read consistently; None if there is none."""
        return self._client.get_item(
            TableName=self._table_name, Key=key, ConsistentRead=True, **options
        ).get("Item")

    def _key(self, job_id: str) -> Item:
        return {"job_id": attribute(job_id), "record": attribute(JOB_RECORD)}

    def _update(
        self,
        job_id: str,
        update: str,
        *,
        condition: str,
        names: Mapping[str, str],
        values: Mapping[str, Any],
    ) -> None:
        arguments: dict[str, Any] = {
            "TableName": self._table_name,
            "Key": self._key(job_id),
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": dict(values),
        }
        if names:
            arguments["ExpressionAttributeNames"] = dict(names)
        self._client.update_item(**arguments)

    def _update_existing(
        self, job_id: str, update: str, *, names: Mapping[str, str], values: Mapping[str, Any]
    ) -> None:
        try:
            self._update(
                job_id, update, condition="attribute_exists(job_id)", names=names, values=values
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise JobNotFound(job_id) from None

    def _errors_size(self, job_id: str) -> int:
        item = self._read(self._key(job_id), ProjectionExpression="errors")
        if item is None:
            raise JobNotFound(job_id)
        return len(item.get("errors", {}).get("L", []))

    def _append_if_size(
        self,
        job_id: str,
        kept: builtins.list[str],
        dropped: builtins.list[str],
        comparison: str,
        size: int,
    ) -> bool:
        """Append ``kept`` and count ``dropped`` if ``size(errors) <comparison> size``."""
        values: dict[str, Any] = {":now": attribute(self._clock()), ":size": attribute(size)}
        update = "SET updated_at = :now"
        if kept:
            update += ", errors = list_append(errors, :kept)"
            values[":kept"] = attribute(kept)
        if dropped:
            update += " ADD errors_truncated :dropped"
            values[":dropped"] = attribute(len(dropped))
        try:
            self._update(
                job_id,
                update,
                condition=f"attribute_exists(job_id) AND size(errors) {comparison} :size",
                names={},
                values=values,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
