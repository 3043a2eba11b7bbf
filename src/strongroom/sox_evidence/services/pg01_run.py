"""Run control PG-01 for one cutoff: every selected IPE, each on its own, in catalog order.

The cutoff is resolved (event, then ``CUTOFF_DATE``, then the last day of the previous month)
and refused before anything is extracted. Each IPE gets a new run id, so a rerun for the same
IPE and cutoff writes beside the earlier run and never over it; one IPE's failure does not stop
the others. IPEs that run on the container path (the catalog's ``runs_on``, or the request's)
are submitted first, one Batch job each, with the run id their job records under; the others
run here. The answer lists every IPE's run id, status (``submitted`` for a job), rows and
failed checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.adapters.ipe_jobs import IpeJobLauncher
from strongroom.sox_evidence.adapters.nav_bi import SourceDatabase
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain import catalog
from strongroom.sox_evidence.domain.cutoff import resolve_cutoff
from strongroom.sox_evidence.domain.requests import ParsedRequest
from strongroom.sox_evidence.domain.runs import (
    RunContext,
    RunRecord,
    RunsOn,
    new_run_id,
    record_key,
)
from strongroom.sox_evidence.services.evidence_packaging import EvidencePackager
from strongroom.sox_evidence.services.ipe_run import (
    DEFAULT_LIMITS,
    ExtractionLimits,
    IpeRun,
    package_run,
    record_not_attempted,
    run_ipe,
)
from strongroom.sox_evidence.services.ipe_submission import submit_ipe
from strongroom.sox_evidence.services.run_metrics import emit_ipe_metrics

SourceOpener = Callable[[], AbstractContextManager[SourceDatabase]]
CatalogSelection = Callable[[tuple[str, ...] | None], list[catalog.CatalogEntry]]


@dataclass(frozen=True)
class TimeBudget:
    """How much of the function's time is left; no IPE starts with less than the margin."""

    remaining_ms: Callable[[], int]
    margin_s: float

    def left_s(self) -> float:
        return self.remaining_ms() / 1000

    def exhausted(self) -> bool:
        return self.left_s() < self.margin_s


NO_BUDGET = TimeBudget(remaining_ms=lambda: 2**62, margin_s=0)


class IpeOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    ipe_id: str
    run_id: str
    status: Literal["succeeded", "failed", "submitted"]
    """``submitted``: a Batch job runs it; its run record appears at ``record_key`` when done."""
    rows: int
    failed_checks: list[str]
    failure: str | None
    record_key: str
    runs_on: RunsOn = "lambda"
    job_id: str | None = None
    job_name: str | None = None
    evidence_bucket: str | None = None
    evidence_prefix: str | None = None
    """The run's evidence package (``evidence/<IPE>/<cutoff>/<run id>/``), when written."""
    manifest_version_id: str | None = None


class Pg01Result(BaseModel):
    model_config = ConfigDict(frozen=True)

    cutoff_date: date
    cutoff_source: str
    trigger: str
    requester: str
    results_bucket: str
    ipes: list[IpeOutcome]

    @property
    def status_code(self) -> int:
        """200 when none failed (submitted jobs are still running), 207 some, 500 all."""
        failed = sum(outcome.status == "failed" for outcome in self.ipes)
        if not failed:
            return 200
        return 500 if failed == len(self.ipes) else 207


def _outcome(run: IpeRun | RunRecord) -> IpeOutcome:
    """A run's outcome; one whose evidence package could not be written is failed."""
    if isinstance(run, RunRecord):
        run = IpeRun(run)
    record, package = run.record, run.package
    return IpeOutcome(
        ipe_id=record.ipe_id,
        run_id=record.run_id,
        status="failed" if run.failed else "succeeded",
        rows=record.rows,
        failed_checks=record.failed_checks,
        failure=run.failure,
        record_key=record_key(record.ipe_id, record.context.cutoff_date, record.run_id),
        runs_on=record.runs_on,
        job_id=record.batch_job_id,
        evidence_bucket=None if package is None else package.bucket,
        evidence_prefix=None if package is None else package.prefix,
        manifest_version_id=None if package is None else package.manifest_version_id,
    )


def run_pg01(
    request: ParsedRequest,
    *,
    cutoff_setting: str | None,
    open_source: SourceOpener,
    store: ResultsStore,
    clock: Callable[[], datetime],
    package_version: str,
    limits: ExtractionLimits = DEFAULT_LIMITS,
    new_id: Callable[[datetime], str] = new_run_id,
    budget: TimeBudget = NO_BUDGET,
    launcher: IpeJobLauncher | None = None,
    select: CatalogSelection = catalog.select,
    packager: EvidencePackager | None = None,
) -> Pg01Result:
    """Raises ``InvalidCutoff`` or ``UnknownIpe`` before anything runs. An IPE that would start
    with less than the budget's margin left is recorded failed, not attempted, not left out; so
    is a container IPE whose job Batch refuses, or when ``launcher`` is None (no container path).
    """
    started = clock()
    cutoff, source_of_cutoff = resolve_cutoff(request.cutoff_date, cutoff_setting, started.date())
    entries = select(request.ipe_ids)
    context = RunContext(
        trigger=request.trigger,
        requester=request.requester,
        cutoff_date=cutoff,
        cutoff_source=source_of_cutoff,
        results_bucket=store.bucket,
        package_version=package_version,
    )
    on_container = {
        entry.definition.id
        for entry in entries
        if (request.runs_on or entry.definition.runs_on) == "container"
    }
    outcomes: dict[str, IpeOutcome] = {}
    for entry in entries:  # jobs first: a long IPE starts while the others run here
        if entry.definition.id in on_container:
            now = clock()
            outcome = _submitted(entry, context, store, launcher, new_id(now), now)
            outcomes[entry.definition.id] = outcome
    here = [entry for entry in entries if entry.definition.id not in on_container]
    runs = _run_each(here, context, open_source, store, clock, limits, new_id, budget, packager)
    for run in runs:
        outcomes[run.record.ipe_id] = _outcome(run)
    return Pg01Result(
        cutoff_date=cutoff,
        cutoff_source=source_of_cutoff,
        trigger=request.trigger,
        requester=request.requester,
        results_bucket=store.bucket,
        ipes=[outcomes[entry.definition.id] for entry in entries],
    )


def _submitted(
    entry: catalog.CatalogEntry,
    context: RunContext,
    store: ResultsStore,
    launcher: IpeJobLauncher | None,
    run_id: str,
    at: datetime,
) -> IpeOutcome:
    submitted = submit_ipe(entry, context, store=store, launcher=launcher, run_id=run_id, at=at)
    if isinstance(submitted, RunRecord):
        return _outcome(submitted)
    return IpeOutcome(
        ipe_id=entry.definition.id,
        run_id=run_id,
        status="submitted",
        rows=0,
        failed_checks=[],
        failure=None,
        record_key=record_key(entry.definition.id, context.cutoff_date, run_id),
        runs_on="container",
        job_id=submitted.job_id,
        job_name=submitted.job_name,
    )


def _run_each(
    entries: list[catalog.CatalogEntry],
    context: RunContext,
    open_source: SourceOpener,
    store: ResultsStore,
    clock: Callable[[], datetime],
    limits: ExtractionLimits,
    new_id: Callable[[datetime], str],
    budget: TimeBudget,
    packager: EvidencePackager | None,
) -> Iterator[IpeRun]:
    if not entries:
        return  # every IPE went to Batch: the database is not opened here
    with open_source() as source:
        for entry in entries:
            now = clock()
            if budget.exhausted():
                reason = (
                    f"{budget.left_s():.0f} s of the function's time left, under the "
                    f"{budget.margin_s:.0f} s margin: rerun it with ipe_ids"
                )
                record = record_not_attempted(
                    entry, context, store=store, run_id=new_id(now), at=now, reason=reason
                )
                run = package_run(record, entry, store, packager)
            else:
                run = run_ipe(
                    entry,
                    context,
                    source=source,
                    store=store,
                    run_id=new_id(now),
                    clock=clock,
                    limits=limits,
                    packager=packager,
                )
            emit_ipe_metrics(run.record)
            yield run
