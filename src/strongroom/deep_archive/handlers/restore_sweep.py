"""``restore_sweep``: hourly, puts every open restore request back on the restore queue.

S3's restore-completed event is how the worker normally learns an archive is readable. Events
can be lost (a notification misconfigured for a while, a DLQ'd message redriven late); the sweep
makes sure every request still open is looked at again, and the worker's HEAD tells it how far
each archive got. Rerunning is harmless: advancing a request is idempotent.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.services.restore_work import queue_open_restores


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:  # noqa: ARG001
    """The scheduled event carries nothing the sweep needs."""
    queued = queue_open_restores(wiring.ports())
    logger.info("open restore requests queued", count=queued)
    metrics.add_metric(name="OpenRestoreRequests", unit=MetricUnit.Count, value=queued)
    return {"queued": queued}
