"""A DynamoDB Streams event source that reads the emulator's stream as Lambda's mapping does.

Each shard is read in order from ``starting_position`` (shards that appear later, children of split
shards, from their start once their parent is fully read), one batch in flight per shard. Failed
batches are retried, bisected and finally handed to the on-failure destination as ``stream_retry``
describes; the shard moves on only when its head batch is settled.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from strongroom.core.timefmt import from_epoch_seconds
from strongroom.local.sources._polling import (
    ClientFactory,
    InvocationListener,
    PollingThreads,
    record_count,
)
from strongroom.local.sources.batch_response import failed_item_ids
from strongroom.local.sources.failure_destination import (
    RECORD_AGE_EXCEEDED,
    RETRY_ATTEMPTS_EXHAUSTED,
    FailureDestination,
    stream_failure_record,
)
from strongroom.local.sources.stream_records import StreamRecord, stream_record
from strongroom.local.sources.stream_retry import (
    Failed,
    Outcome,
    PartiallyFailed,
    PendingBatch,
    RetryPolicy,
    Succeeded,
    expired_prefix,
    plan_next,
)
from strongroom.local.sources.stream_shards import ShardCursor, StartPosition, list_shards
from strongroom.local.specs import InvocationResult, Invoker, StreamSourceSpec

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_dynamodbstreams.type_defs import ShardTypeDef

logger = logging.getLogger(__name__)

STREAM_RETENTION_SECONDS = 24 * 60 * 60  # records older than this have left a DynamoDB stream
_MAX_RECORDS_PER_READ = 1000  # GetRecords' limit


@dataclass
class _Shard:
    cursor: ShardCursor
    buffered: list[StreamRecord] = field(default_factory=list)  # read, waiting for a batch
    window_opened_at: float | None = None
    pending: deque[PendingBatch[StreamRecord]] = field(default_factory=deque)  # head in flight
    retry_at: float = 0.0

    @property
    def finished(self) -> bool:
        return self.cursor.closed and not self.buffered and not self.pending


class DynamoDbStreamEventSource:
    def __init__(
        self,
        spec: StreamSourceSpec,
        invoker: Invoker,
        clients: ClientFactory,
        *,
        region: str,
        account_id: str,
        on_invocation: InvocationListener | None = None,
        retry_delay_seconds: float = 0.2,
        poll_interval_seconds: float = 0.25,
        max_idle_poll_interval_seconds: float = 1.0,
        shard_refresh_seconds: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``retry_delay_seconds``: pause before a failed batch is retried (Lambda backs off
        longer). ``poll_interval_seconds``: pause after a pass that delivered nothing (Lambda
        polls each shard four times a second), doubling while the stream stays idle up to
        ``max_idle_poll_interval_seconds``: moto keeps every shard iterator it ever issued, about
        1.7 KB per GetRecords call. ``clock``: epoch seconds, for record ages."""
        self._spec = spec
        self._invoker = invoker
        self._streams: DynamoDBStreamsClient = clients("dynamodbstreams")
        self._region = region
        self._on_invocation = on_invocation or logger.info  # nobody listening: the log
        self._retry_delay_seconds = retry_delay_seconds
        self._shard_refresh_seconds = shard_refresh_seconds
        self._clock = clock
        self._function_arn = f"arn:aws:lambda:{region}:{account_id}:function:{spec.function_name}"
        self._table_name = spec.stream_arn.split(":", 5)[5].split("/")[1]
        self._policy = RetryPolicy(spec.maximum_retry_attempts, spec.bisect_batch_on_function_error)
        self._destination = (
            FailureDestination(spec.on_failure_destination_arn, clients)
            if spec.on_failure_destination_arn
            else None
        )
        self._shards: dict[str, _Shard] = {}
        self._shards_listed_at: float | None = None
        self._lock = threading.Lock()
        self._pollers = PollingThreads(
            f"stream-{self._table_name}",
            self.poll_once,
            idle_seconds=poll_interval_seconds,
            max_idle_seconds=max_idle_poll_interval_seconds,
        )

    def poll_once(self) -> int:
        """One pass over every shard, at most one batch each; returns the records delivered."""
        with self._lock:
            self._list_shards_when_due()
            return sum(
                self._poll_shard(shard)
                for shard in list(self._shards.values())
                if self._parent_finished(shard)
            )

    def start(self) -> None:
        """Starts the poller (nothing when the mapping is disabled).

        The shards are listed before this returns, so LATEST means the stream's end at start.
        """
        if not self._spec.enabled:
            logger.info("dynamodb %s -> %s: mapping disabled", self._table_name, self._name)
            return
        with self._lock:
            self._list_shards_when_due()
        self._pollers.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._pollers.stop(timeout)

    @property
    def _name(self) -> str:
        return self._spec.function_name

    def _list_shards_when_due(self) -> None:
        now = time.monotonic()
        listed_at = self._shards_listed_at
        if listed_at is not None and now - listed_at < self._shard_refresh_seconds:
            return
        for shard in list_shards(self._streams, self._spec.stream_arn):
            if shard["ShardId"] not in self._shards:
                self._track(shard, first_listing=listed_at is None)
        self._shards_listed_at = now

    def _track(self, shard: ShardTypeDef, *, first_listing: bool) -> None:
        # Shards that appear after the start hold only records written since: read them whole.
        position: StartPosition = self._spec.starting_position if first_listing else "TRIM_HORIZON"
        cursor = ShardCursor(
            shard_id=shard["ShardId"],
            parent_shard_id=shard.get("ParentShardId"),
            start_position=position,
        )
        already_closed = "EndingSequenceNumber" in shard.get("SequenceNumberRange", {})
        if position == "LATEST" and already_closed:
            cursor.closed = True  # nothing will ever come after its latest record
        else:
            cursor.open(self._streams, self._spec.stream_arn)  # pins LATEST to now
        self._shards[cursor.shard_id] = _Shard(cursor)

    def _parent_finished(self, shard: _Shard) -> bool:
        parent = self._shards.get(shard.cursor.parent_shard_id or "")
        return parent is None or parent.finished

    def _poll_shard(self, shard: _Shard) -> int:
        if not shard.pending:
            self._gather(shard)
        if not shard.pending or time.monotonic() < shard.retry_at:
            return 0
        return self._deliver_head(shard)

    def _gather(self, shard: _Shard) -> None:
        batch_size = self._spec.batch_size
        if len(shard.buffered) < batch_size and not shard.cursor.closed:
            limit = min(batch_size - len(shard.buffered), _MAX_RECORDS_PER_READ)
            records = shard.cursor.read(self._streams, self._spec.stream_arn, limit)
            if records and shard.window_opened_at is None:
                shard.window_opened_at = time.monotonic()
            shard.buffered.extend(
                stream_record(record, stream_arn=self._spec.stream_arn, region=self._region)
                for record in records
            )
        if shard.buffered and self._batch_ready(shard):
            batch, shard.buffered = shard.buffered[:batch_size], shard.buffered[batch_size:]
            shard.window_opened_at = time.monotonic() if shard.buffered else None
            shard.pending.append(PendingBatch(tuple(batch)))

    def _batch_ready(self, shard: _Shard) -> bool:
        window = self._spec.maximum_batching_window_seconds
        opened_at = shard.window_opened_at or time.monotonic()
        return (
            len(shard.buffered) >= self._spec.batch_size
            or shard.cursor.closed
            or time.monotonic() - opened_at >= window
        )

    def _deliver_head(self, shard: _Shard) -> int:
        batch = self._without_expired_records(shard, shard.pending[0])
        if batch is None:
            shard.pending.popleft()
            return 0
        shard.pending[0] = batch
        result = self._invoker.invoke(
            self._spec.function_name, {"Records": [record.event for record in batch.records]}
        )
        batch = batch.invoked(result.request_id, result.error)
        shard.pending[0] = batch  # if giving up fails below, the batch is retried, not lost
        outcome = self._outcome(batch, result)
        self._report(f"{record_count(len(batch.records))}, {_describe(outcome, batch, result)}")
        plan = plan_next(batch, outcome, self._policy)
        if plan.give_up is not None:
            self._give_up(shard, plan.give_up, RETRY_ATTEMPTS_EXHAUSTED)
        shard.pending.popleft()
        shard.pending.extendleft(reversed(plan.retry))
        if plan.retry:
            shard.retry_at = time.monotonic() + self._retry_delay_seconds
        return len(batch.records)

    def _outcome(self, batch: PendingBatch[StreamRecord], result: InvocationResult) -> Outcome:
        if result.error is not None:
            return Failed()
        if not self._spec.report_batch_item_failures:
            return Succeeded()
        positions = {record.sequence_number: index for index, record in enumerate(batch.records)}
        failed = failed_item_ids(result.payload, positions.keys())
        if failed is None:
            return Failed()
        if not failed:
            return Succeeded()
        return PartiallyFailed(first_failed=min(positions[sequence] for sequence in failed))

    def _without_expired_records(
        self, shard: _Shard, batch: PendingBatch[StreamRecord]
    ) -> PendingBatch[StreamRecord] | None:
        maximum_age = self._spec.maximum_record_age_seconds
        expired = expired_prefix(
            [record.created_at for record in batch.records],
            now=self._clock(),
            maximum_age_seconds=maximum_age if maximum_age >= 0 else STREAM_RETENTION_SECONDS,
        )
        if expired == 0:
            return batch
        too_old, rest = batch.split_at(expired)
        self._give_up(shard, too_old, RECORD_AGE_EXCEEDED)
        return rest if rest.records else None

    def _give_up(self, shard: _Shard, batch: PendingBatch[StreamRecord], condition: str) -> None:
        failure = stream_failure_record(
            records=batch.records,
            shard_id=shard.cursor.shard_id,
            stream_arn=self._spec.stream_arn,
            function_arn=self._function_arn,
            condition=condition,
            invoke_count=batch.invocations,
            request_id=batch.last_request_id or str(uuid.uuid4()),
            function_error=batch.last_error,
            now=from_epoch_seconds(self._clock()),
        )
        size = len(batch.records)
        if self._destination is None:
            logger.warning("discarded with no on-failure destination: %s", failure)
            self._report(f"{record_count(size)} discarded ({condition}), no on-failure destination")
            return
        self._destination.send(failure)
        self._report(f"{record_count(size)} sent to {self._destination.name} ({condition})")

    def _report(self, summary: str) -> None:
        self._on_invocation(f"dynamodb {self._table_name} -> {self._name}: {summary}")


def _describe(outcome: Outcome, batch: PendingBatch[StreamRecord], result: InvocationResult) -> str:
    retry = f" (retry {batch.retries})" if batch.retries else ""
    match outcome:
        case Succeeded():
            return f"ok{retry}"
        case PartiallyFailed(first_failed=first_failed):
            failed_from = batch.records[first_failed].sequence_number
            return f"failed from sequence number {failed_from}{retry}"
        case _ if result.error is not None:
            return f"error: {result.error.error_type}: {result.error.message}{retry}"
        case _:
            return f"malformed batchItemFailures response, whole batch failed{retry}"
