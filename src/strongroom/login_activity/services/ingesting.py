"""A batch of login events from SQS merged into each user's record (ReportBatchItemFailures).

A body that can never be a login event (not JSON, not an object, fails validation, or breaks
the parser in any other way: nested too deeply, lone surrogates, a huge integer) is parked on
the dead-letter queue with the reason and is not reported, so SQS deletes it and it does not
hold up the batch; if parking fails it is reported, and the queue's redrive is the backstop.
Valid events are grouped per user: one read-merge-conditional-write per user, none when nothing
changes. A user whose write fails (throttling, 5xx, conflicts exhausted) has exactly its own
messages reported for retry; the other users' writes stand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from strongroom.core.observability import logger, metrics
from strongroom.login_activity.adapters.activity_store import ActivityStore
from strongroom.login_activity.adapters.dead_letter_queue import DeadLetter, DeadLetterQueue
from strongroom.login_activity.domain.events import LoginEvent, RejectedEvent, parse_login_event
from strongroom.login_activity.services.recording import (
    ConflictRetriesExhausted,
    RetryPolicy,
    record_logins,
)

MAX_REASON_LENGTH = 2048
"""Keeps the reason attribute small next to a body that may be near SQS's size limit."""


@dataclass
class _Ingestion:
    """One batch being ingested: the ports it uses, its per-user work, the messages to report."""

    activity_store: Callable[[], ActivityStore]
    dead_letter_queue: Callable[[], DeadLetterQueue]
    retry_policy: RetryPolicy
    message_ids: list[str] = field(default_factory=list)
    by_user: dict[str, list[tuple[str, LoginEvent]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    failed: set[str] = field(default_factory=set)
    # Summed per invocation: one value per metric keeps the EMF document small and under
    # Powertools' 100-values-per-metric flush, whatever the batch size.
    counts: Counter[str] = field(default_factory=Counter)

    def response(self) -> PartialItemFailureResponse:
        """The failed messages once each, in the order they arrived."""
        in_order = dict.fromkeys(self.message_ids)
        return {
            "batchItemFailures": [
                {"itemIdentifier": message_id}
                for message_id in in_order
                if message_id in self.failed
            ]
        }


def ingest_logins(
    records: Iterable[SQSRecord],
    *,
    activity_store: Callable[[], ActivityStore],
    dead_letter_queue: Callable[[], DeadLetterQueue],
    retry_policy: RetryPolicy,
) -> PartialItemFailureResponse:
    """Park the poison, record each user's events; the response names the messages to retry.

    The ports are asked for when first needed: a table that cannot be reached (even one whose
    setting is missing) fails only the valid messages, after the poison is parked once.
    """
    batch = _Ingestion(activity_store, dead_letter_queue, retry_policy)
    for record in records:
        batch.message_ids.append(record.message_id)
        try:
            login = parse_login_event(record.body)
        except RejectedEvent as rejected:
            if not _park(record, rejected, batch):
                batch.failed.add(record.message_id)
            continue
        except Exception as fault:  # a body must never fail the batch, whatever it raises
            unreadable = RejectedEvent(
                "unreadable", f"body could not be parsed ({type(fault).__name__})"
            )
            if not _park(record, unreadable, batch):
                batch.failed.add(record.message_id)
            continue
        batch.by_user[login.user_id].append((record.message_id, login))
    for user_id, entries in batch.by_user.items():
        if not _record_user(user_id, entries, batch):
            batch.failed.update(message_id for message_id, _ in entries)
    for name, value in sorted(batch.counts.items()):
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    return batch.response()


def _park(record: SQSRecord, rejected: RejectedEvent, batch: _Ingestion) -> bool:
    """Send a poison message to the dead-letter queue; ``False`` when that failed."""
    reason = rejected.reason[:MAX_REASON_LENGTH]
    logger.warning(
        "login event rejected",
        message_id=record.message_id,
        failure_kind=rejected.kind,
        failure_reason=reason,
    )
    batch.counts["EventsRejected"] += 1
    letter = DeadLetter(
        body=record.body,
        attributes={
            "failure_reason": reason,
            "failure_kind": rejected.kind,
            "source_message_id": record.message_id,
            "source_queue": record.event_source_arn,
        },
    )
    try:
        batch.dead_letter_queue().send(letter)
    except Exception:
        logger.exception(
            "rejected login event not parked, left for retry", message_id=record.message_id
        )
        batch.counts["DeadLetterSendFailures"] += 1
        return False
    return True


def _record_user(user_id: str, entries: list[tuple[str, LoginEvent]], batch: _Ingestion) -> bool:
    """Merge one user's events into their record; ``False`` when they must be retried.

    Any failure, even building the store, fails only these messages: poison messages of the
    batch are already parked and must not be parked twice by a whole-batch retry.
    """
    counts = batch.counts
    message_ids = [message_id for message_id, _ in entries]
    try:
        logins = [login for _, login in entries]
        recorded = record_logins(batch.activity_store(), user_id, logins, batch.retry_policy)
    except ConflictRetriesExhausted as exhausted:
        counts["WriteConflicts"] += exhausted.attempts
        counts["EventsFailed"] += len(entries)
        logger.warning(
            "write conflicts exhausted, events left for retry",
            user_id=user_id,
            message_ids=message_ids,
        )
        return False
    except Exception:
        counts["EventsFailed"] += len(entries)
        logger.exception(
            "login events not recorded, left for retry", user_id=user_id, message_ids=message_ids
        )
        return False
    if recorded.conflicts:
        counts["WriteConflicts"] += recorded.conflicts
    counts["EventsProcessed"] += len(entries)
    counts["WritesPerformed" if recorded.written else "WritesSkipped"] += 1
    logger.info(
        "login events recorded",
        user_id=user_id,
        events=len(entries),
        written=recorded.written,
        conflicts=recorded.conflicts,
    )
    return True
