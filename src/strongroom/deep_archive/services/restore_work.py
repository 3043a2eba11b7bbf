"""The restore worker's and the sweep's work: move restore requests on, or queue the open ones.

A message names requests directly or an archive whose restore completed (then the requests
waiting on it are looked up). Each request is advanced as far as it goes now; one that runs out
of time is put back on the queue to continue.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools.metrics import MetricUnit

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive.domain.restore_progress import AdvanceReport, advance
from strongroom.deep_archive.services.ports import Ports
from strongroom.deep_archive.services.restore_messages import parse_work


def work_on(ports: Ports, body: str, out_of_time: Callable[[], bool]) -> None:
    """Advance every request one restore-queue message concerns, as far as each goes now."""
    work = parse_work(body)
    # A request named directly is advanced in every archive; an archive's completion event
    # advances the requests waiting on it in that archive only (the others have their events).
    tasks: list[tuple[str, tuple[str, str] | None]] = [
        (restore_id, None) for restore_id in work.restore_ids
    ]
    for archive in work.completed_archives:
        waiting = ports.restores.waiting_on(*archive)
        logger.info(
            "archive restored", archive="s3://{}/{}".format(*archive), requests=len(waiting)
        )
        tasks.extend((restore_id, archive) for restore_id in waiting)

    for restore_id, only in dict.fromkeys(tasks):
        report = advance(restore_id, ports, archive=only, out_of_time=out_of_time)
        _account(report)
        if report.outcome == "deferred":
            ports.queue.start(restore_id)


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
        ranged_gets=report.ranged_gets,
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


def queue_open_restores(ports: Ports) -> int:
    """Put every open restore request back on the restore queue; how many there were."""
    open_ids = ports.restores.open_restore_ids()
    for restore_id in open_ids:
        ports.queue.start(restore_id)
    return len(open_ids)
