"""Run records read back by IPE, cutoff and start: what ``strongroom sox status`` and the run
progress of ``strongroom sox run`` read."""

from __future__ import annotations

from pathlib import Path

from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.domain.runs import record_key
from strongroom.sox_evidence.services.run_records import latest_run, list_runs
from tests.unit.sox_evidence.support import CUTOFF, run

LATER_RUN = "20250701T093000Z-0000beef"


def two_runs(nav_bi: Path) -> tuple[InMemoryResultsStore, str]:
    """CR_05 run once, and a copy of its record as a run that started later; the first's id."""
    store = InMemoryResultsStore()
    run(nav_bi, store, {"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["CR_05"]})
    (earlier,) = list_runs(store, "CR_05")
    later = earlier.model_copy(update={"run_id": LATER_RUN})
    store.put_bytes(
        record_key("CR_05", CUTOFF, LATER_RUN), later.model_dump_json().encode(), "application/json"
    )
    return store, earlier.run_id


def test_started_after_keeps_only_the_runs_that_began_later(nav_bi: Path) -> None:
    store, earlier_id = two_runs(nav_bi)

    assert [r.run_id for r in list_runs(store, "CR_05")] == [earlier_id, LATER_RUN]
    assert [r.run_id for r in list_runs(store, "CR_05", started_after="20250701T090000Z")] == [
        LATER_RUN
    ]
    assert list_runs(store, "CR_05", CUTOFF, started_after=LATER_RUN) == []


def test_the_latest_run_is_the_one_that_started_last(nav_bi: Path) -> None:
    store, _ = two_runs(nav_bi)

    latest = latest_run(store, "CR_05", CUTOFF)

    assert latest is not None
    assert latest.run_id == LATER_RUN
    assert latest_run(store, "IPE_07") is None
