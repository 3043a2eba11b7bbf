"""``restore_worker``: moves restore requests on, from the restore queue (SQS, partial batches).

Each message names requests directly or an archive whose restore completed (then the requests
waiting on it are looked up). Each request is advanced as far as it goes now; one that runs out
of this invocation's time is put back on the queue to continue. A message that fails is retried
and, after the queue's redrive limit, lands on the DLQ with its alarm; it fails only itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive.adapters.restore_queue import SqsRestoreQueue
from strongroom.deep_archive.domain.restore_progress import AdvanceReport, RestoreServices, advance
from strongroom.deep_archive.handlers.restore_messages import parse_work
from strongroom.deep_archive.handlers.restore_start import RestoreQueue
from strongroom.deep_archive.handlers.restore_wiring import restore_services_from_environment

TIME_RESERVE_MS = 60_000
"""Stop starting new files this long before the function's timeout."""


@cache
def aws_worker() -> tuple[RestoreServices, RestoreQueue]:
    return restore_services_from_environment(), SqsRestoreQueue.from_environment()


# Seam: tests bind fakes with monkeypatch.setattr(restore_worker, "worker_factory", ...).
worker_factory: Callable[[], tuple[RestoreServices, RestoreQueue]] = aws_worker

processor = BatchProcessor(event_type=EventType.SQS)


def _record_handler(record: SQSRecord, context: LambdaContext) -> None:
    services, queue = worker_factory()
    work = parse_work(record.body)
    # A request named directly is advanced in every archive; an archive's completion event
    # advances the requests waiting on it in that archive only (the others have their events).
    tasks: list[tuple[str, tuple[str, str] | None]] = [
        (restore_id, None) for restore_id in work.restore_ids
    ]
    for archive in work.completed_archives:
        waiting = services.store.waiting_on(*archive)
        logger.info(
            "archive restored", archive="s3://{}/{}".format(*archive), requests=len(waiting)
        )
        tasks.extend((restore_id, archive) for restore_id in waiting)

    def out_of_time() -> bool:
        return context.get_remaining_time_in_millis() < TIME_RESERVE_MS

    for restore_id, only in dict.fromkeys(tasks):
        report = advance(restore_id, services, archive=only, out_of_time=out_of_time)
        _account(report)
        if report.outcome == "deferred":
            queue.start(restore_id)


def _account(report: AdvanceReport) -> None:
    logger.info(
        "restore advanced",
        restore_id=report.restore_id,
        outcome=report.outcome,
        restores_requested=report.restores_requested,
        restores_joined=report.restores_joined,
        files_restored=report.files_restored,
        files_failed=report.files_failed,
        files_skipped=report.files_skipped,
        bytes_read=report.bytes_read,
    )
    for failure in report.failures:
        logger.error(
            "restored file failed its checks", restore_id=report.restore_id, failure=failure
        )
    counters = {
        "ArchiveRestoresRequested": report.restores_requested,
        "RestoredFiles": report.files_restored,
        "RestoredFilesFailed": report.files_failed,
        "RestoreNotificationsSent": int(report.outcome == "notified"),
    }
    for name, value in counters.items():
        if value:
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event,
        record_handler=lambda record: _record_handler(record, context),
        processor=processor,
        context=context,
    )
