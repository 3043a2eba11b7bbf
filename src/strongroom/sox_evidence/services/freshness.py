"""The freshness checks: which IPEs have no successful run for the month that is due, and
which have no verified evidence package for it.

The run check runs every hour; ``IPEsWithoutSuccessfulRun`` (0 when every IPE has one) is what
its alarm watches, and a missing datapoint means the check itself did not run. The evidence
check runs daily (it re-reads every package it verifies) and emits
``IPEsWithoutVerifiedPackage`` for its own alarm.
"""

from __future__ import annotations

from datetime import date, datetime

from aws_lambda_powertools.metrics import MetricUnit

from strongroom.core.observability import logger, metrics
from strongroom.sox_evidence.adapters.evidence_reader import EvidenceReader
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain import catalog, freshness
from strongroom.sox_evidence.services.evidence_trust import Trust
from strongroom.sox_evidence.services.evidence_verification import NoPackage, verify_online
from strongroom.sox_evidence.services.run_records import list_runs

METRIC = "IPEsWithoutSuccessfulRun"
EVIDENCE_METRIC = "IPEsWithoutVerifiedPackage"


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


def check_evidence_freshness(
    results: ResultsStore,
    reader: EvidenceReader,
    trust: Trust,
    evidence_bucket: str,
    now: datetime,
    deadline_day: int,
    cutoff: date | None = None,
) -> freshness.EvidenceFreshnessReport:
    """Per IPE, the due month's succeeded runs, newest first, until one's package verifies;
    the metric the evidence alarm watches (not for an operator's ``cutoff``)."""
    due = cutoff or freshness.due_cutoff(now, deadline_day)
    ipe_ids = list(catalog.catalog())
    problems: dict[str, str | None] = {}
    for ipe_id in ipe_ids:
        succeeded = [r for r in list_runs(results, ipe_id, due) if r.status == "succeeded"]
        for record in reversed(succeeded):
            problem = _package_problem(reader, trust, evidence_bucket, ipe_id, due, record.run_id)
            problems.setdefault(ipe_id, problem)  # the newest run's reason is the one told
            if problem is None:
                problems[ipe_id] = None
                break
    report = freshness.evidence_report(due, deadline_day, ipe_ids, problems)
    if cutoff is None:
        metrics.add_metric(
            name=EVIDENCE_METRIC, unit=MetricUnit.Count, value=len(report.without_verified_package)
        )
    log = logger.info if report.fresh else logger.warning
    log(
        "evidence freshness checked",
        cutoff_date=due.isoformat(),
        without_verified_package=report.reasons,
    )
    return report


def _package_problem(
    reader: EvidenceReader, trust: Trust, bucket: str, ipe_id: str, cutoff: date, run_id: str
) -> str | None:
    try:
        verified = verify_online(reader, trust, bucket, ipe_id, cutoff, run_id)
    except NoPackage:
        return f"run {run_id}: no evidence package"
    if verified.passed:
        return None
    failure = verified.first_failure
    found = f"{failure.name} failed at {failure.where}" if failure else "nothing to check"
    return f"run {run_id}: {found}"
