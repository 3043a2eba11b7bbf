"""Run control PG-01 for one cutoff: every selected IPE, each on its own, in catalog order.

The cutoff is resolved (event, then ``CUTOFF_DATE``, then the last day of the previous month)
and refused before anything is extracted. Each IPE gets a new run id, so a rerun for the same
IPE and cutoff writes beside the earlier run and never over it; one IPE's failure does not stop
the others. The answer lists every IPE's run id, status, rows and failed checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.adapters.nav_bi import SourceDatabase
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain import catalog
from strongroom.sox_evidence.domain.cutoff import resolve_cutoff
from strongroom.sox_evidence.domain.requests import ParsedRequest
from strongroom.sox_evidence.domain.runs import RunContext, RunRecord, new_run_id, record_key
from strongroom.sox_evidence.services.ipe_run import (
    DEFAULT_LIMITS,
    ExtractionLimits,
    record_not_attempted,
    run_ipe,
)
from strongroom.sox_evidence.services.run_metrics import emit_ipe_metrics

SourceOpener = Callable[[], AbstractContextManager[SourceDatabase]]


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
    status: Literal["succeeded", "failed"]
    rows: int
    failed_checks: list[str]
    failure: str | None
    record_key: str


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
        failed = sum(outcome.status == "failed" for outcome in self.ipes)
        if not failed:
            return 200
        return 500 if failed == len(self.ipes) else 207


def _outcome(record: RunRecord) -> IpeOutcome:
    return IpeOutcome(
        ipe_id=record.ipe_id,
        run_id=record.run_id,
        status=record.status,
        rows=record.rows,
        failed_checks=record.failed_checks,
        failure=record.failure,
        record_key=record_key(record.ipe_id, record.context.cutoff_date, record.run_id),
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
) -> Pg01Result:
    """Raises ``InvalidCutoff`` or ``UnknownIpe`` before anything runs. An IPE that would start
    with less than the budget's margin left is recorded failed, not attempted, not left out."""
    started = clock()
    cutoff, source_of_cutoff = resolve_cutoff(request.cutoff_date, cutoff_setting, started.date())
    entries = catalog.select(request.ipe_ids)
    context = RunContext(
        trigger=request.trigger,
        requester=request.requester,
        cutoff_date=cutoff,
        cutoff_source=source_of_cutoff,
        results_bucket=store.bucket,
        package_version=package_version,
    )
    outcomes = [
        _outcome(record)
        for record in _run_each(entries, context, open_source, store, clock, limits, new_id, budget)
    ]
    return Pg01Result(
        cutoff_date=cutoff,
        cutoff_source=source_of_cutoff,
        trigger=request.trigger,
        requester=request.requester,
        results_bucket=store.bucket,
        ipes=outcomes,
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
) -> Iterator[RunRecord]:
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
            else:
                record = run_ipe(
                    entry,
                    context,
                    source=source,
                    store=store,
                    run_id=new_id(now),
                    clock=clock,
                    limits=limits,
                )
            emit_ipe_metrics(record)
            yield record
