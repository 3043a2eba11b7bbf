"""EMF metrics of a run, in the seed's namespace ``SOXAuto/PG01`` (set by the template).

Per IPE run: ``IPEExecutionSuccess`` or ``IPEExecutionFailure`` (1), ``IPERowsExtracted`` and
``IPEExecutionDuration``. They carry no IPE dimension, so one alarm on ``IPEExecutionFailure``
covers every IPE; the log line of each run names the IPE.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from strongroom.core.observability import logger, metrics
from strongroom.sox_evidence.domain.runs import RunRecord


def emit_ipe_metrics(record: RunRecord) -> None:
    outcome = "IPEExecutionSuccess" if record.status == "succeeded" else "IPEExecutionFailure"
    metrics.add_metric(name=outcome, unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="IPERowsExtracted", unit=MetricUnit.Count, value=record.rows)
    duration = (record.ended_at - record.started_at).total_seconds()
    metrics.add_metric(name="IPEExecutionDuration", unit=MetricUnit.Seconds, value=duration)
    logger.info(
        "IPE run finished",
        ipe_id=record.ipe_id,
        run_id=record.run_id,
        cutoff_date=record.context.cutoff_date.isoformat(),
        status=record.status,
        rows=record.rows,
        failed_checks=record.failed_checks,
        failure=record.failure,
    )
