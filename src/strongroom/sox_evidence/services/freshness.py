"""The freshness check: which IPEs have no successful run for the month that is due.

Run every hour by its own schedule; ``IPEsWithoutSuccessfulRun`` (0 when every IPE has one) is
what the freshness alarm watches, and a missing datapoint means the check itself did not run.
"""

from __future__ import annotations

from datetime import date, datetime

from aws_lambda_powertools.metrics import MetricUnit

from strongroom.core.observability import logger, metrics
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain import catalog, freshness
from strongroom.sox_evidence.services.run_records import list_runs

METRIC = "IPEsWithoutSuccessfulRun"


def check_freshness(
    store: ResultsStore, now: datetime, cutoff: date | None = None
) -> freshness.FreshnessReport:
    """The due month's report, with the metric the alarm watches; ``cutoff`` asks about another
    month and emits nothing (an operator's question must not move the alarm)."""
    due = cutoff or freshness.due_cutoff(now)
    ipe_ids = list(catalog.catalog())
    succeeded = [
        record.ipe_id
        for ipe_id in ipe_ids
        for record in list_runs(store, ipe_id, due)
        if record.status == "succeeded"
    ]
    report = freshness.report(due, ipe_ids, succeeded)
    if cutoff is None:
        metrics.add_metric(
            name=METRIC, unit=MetricUnit.Count, value=len(report.without_successful_run)
        )
    log = logger.info if report.fresh else logger.warning
    log(
        "freshness checked",
        cutoff_date=due.isoformat(),
        without_successful_run=list(report.without_successful_run),
    )
    return report
