"""What Lambda does with a stream batch after an invocation: checkpoint, retry, bisect or give up.

Pure bookkeeping, no I/O: the runner invokes the head batch of a shard, classifies the result as an
``Outcome`` and replaces the batch with what ``plan_next`` returns.

The rules, from Lambda's documentation for DynamoDB Streams and Kinesis event sources:

* success checkpoints past the whole batch;
* a partial batch response (ReportBatchItemFailures) checkpoints before the lowest failed
  sequence number: the records before it are done, the rest is retried;
* a function error, or a malformed partial response, fails the whole batch;
* with BisectBatchOnFunctionError a failed batch is split in two and the halves retried in order;
  splitting does not count against ``MaximumRetryAttempts``; a batch of one is retried instead;
* with both settings, a partial response splits the batch at the failed record and only the rest
  is retried (not counted as a retry); when the failed record is the first one, that split makes no
  progress, so the batch is bisected like a failed batch. This is how a poison record ends alone;
* once a batch has used its retries (``-1``: never), its metadata goes to the on-failure
  destination and the shard moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from strongroom.local.specs import FunctionError

RecordT = TypeVar("RecordT")


@dataclass(frozen=True)
class Succeeded:
    pass


@dataclass(frozen=True)
class Failed:
    """The function raised, timed out, or answered with a malformed partial batch response."""


@dataclass(frozen=True)
class PartiallyFailed:
    first_failed: int  # position in the batch of the failed record with the lowest sequence number


Outcome = Succeeded | Failed | PartiallyFailed


@dataclass(frozen=True)
class RetryPolicy:
    maximum_retry_attempts: int  # -1: until the records expire
    bisect_on_function_error: bool

    def exhausted(self, retries: int) -> bool:
        return self.maximum_retry_attempts != -1 and retries > self.maximum_retry_attempts


@dataclass(frozen=True)
class PendingBatch(Generic[RecordT]):
    """Records in shard order awaiting (re)delivery, with what their attempts so far left behind."""

    records: tuple[RecordT, ...]
    retries: int = 0
    invocations: int = 0
    last_request_id: str | None = None
    last_error: FunctionError | None = None

    def invoked(self, request_id: str, error: FunctionError | None) -> PendingBatch[RecordT]:
        return replace(
            self,
            invocations=self.invocations + 1,
            last_request_id=request_id,
            last_error=error,
        )

    def split_at(self, index: int) -> tuple[PendingBatch[RecordT], PendingBatch[RecordT]]:
        """Two batches that keep the attempts made so far: a split is not a retry."""
        return replace(self, records=self.records[:index]), replace(
            self, records=self.records[index:]
        )

    def bisected(self) -> tuple[PendingBatch[RecordT], PendingBatch[RecordT]]:
        return self.split_at((len(self.records) + 1) // 2)

    def retried(self) -> PendingBatch[RecordT]:
        return replace(self, retries=self.retries + 1)


@dataclass(frozen=True)
class Plan(Generic[RecordT]):
    """Batches to deliver next, in order, ahead of anything newer; and a batch to give up on."""

    retry: tuple[PendingBatch[RecordT], ...] = ()
    give_up: PendingBatch[RecordT] | None = None


def plan_next(batch: PendingBatch[RecordT], outcome: Outcome, policy: RetryPolicy) -> Plan[RecordT]:
    """What follows an invocation of ``batch`` that ended with ``outcome``."""
    match outcome:
        case Succeeded():
            return Plan()
        case PartiallyFailed(first_failed=first_failed) if first_failed > 0:
            _, rest = batch.split_at(first_failed)  # the records before it are checkpointed
            if policy.bisect_on_function_error:
                return Plan(retry=(rest,))
            return _retry_or_give_up(rest, policy)
        case _:
            return _after_failure(batch, policy)


def _after_failure(batch: PendingBatch[RecordT], policy: RetryPolicy) -> Plan[RecordT]:
    if policy.bisect_on_function_error and len(batch.records) > 1:
        return Plan(retry=batch.bisected())
    return _retry_or_give_up(batch, policy)


def _retry_or_give_up(batch: PendingBatch[RecordT], policy: RetryPolicy) -> Plan[RecordT]:
    retried = batch.retried()
    if policy.exhausted(retried.retries):
        return Plan(give_up=batch)
    return Plan(retry=(retried,))


def expired_prefix(created_at: Sequence[float], *, now: float, maximum_age_seconds: float) -> int:
    """How many leading records are older than ``maximum_age_seconds`` (records are in order)."""
    for index, moment in enumerate(created_at):
        if now - moment <= maximum_age_seconds:
            return index
    return len(created_at)
