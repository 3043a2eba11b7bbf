"""``restore_sweep``: hourly, puts every open restore request back on the restore queue.

S3's restore-completed event is how the worker normally learns an archive is readable. Events
can be lost (a notification misconfigured for a while, a DLQ'd message redriven late); the sweep
makes sure every request still open is looked at again, and the worker's HEAD tells it how far
each archive got. Rerunning is harmless: advancing a request is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive.adapters.restore_queue import SqsRestoreQueue
from strongroom.deep_archive.adapters.restore_store import DynamoDBRestoreStore
from strongroom.deep_archive.domain.restore_progress import RestoreStore
from strongroom.deep_archive.handlers.restore_start import RestoreQueue


@cache
def aws_sweep() -> tuple[RestoreStore, RestoreQueue]:
    return DynamoDBRestoreStore.from_environment(), SqsRestoreQueue.from_environment()


# Seam: tests bind fakes with monkeypatch.setattr(restore_sweep, "sweep_factory", ...).
sweep_factory: Callable[[], tuple[RestoreStore, RestoreQueue]] = aws_sweep


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:  # noqa: ARG001
    """The scheduled event carries nothing the sweep needs."""
    store, queue = sweep_factory()
    open_ids = store.open_restore_ids()
    for restore_id in open_ids:
        queue.start(restore_id)
    logger.info("open restore requests queued", count=len(open_ids))
    metrics.add_metric(name="OpenRestoreRequests", unit=MetricUnit.Count, value=len(open_ids))
    return {"queued": len(open_ids)}
