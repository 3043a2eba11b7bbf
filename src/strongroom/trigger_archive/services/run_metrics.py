"""The run's counts as EMF metrics (namespace and service from POWERTOOLS_* in the template).

``ClientsFailed`` feeds the failed-clients alarm; ``RunsCompleted`` (1 per finished run) the
missed-run alarm.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from strongroom.core.observability import metrics
from strongroom.trigger_archive.domain import RunResult


def emit_run_metrics(result: RunResult) -> None:
    counts = {
        "ClientsSelected": result.total_clients,
        "ClientsArchived": result.archived,
        "ClientsUnchanged": result.unchanged,
        "ClientsChanged": result.changed,
        "ClientsFailed": result.failed_archives,
        "ClientsNotAttempted": result.not_attempted,
        "RunsCompleted": 1,
    }
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    metrics.add_metric(name="RunDuration", unit=MetricUnit.Seconds, value=result.duration_s)
