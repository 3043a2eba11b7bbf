"""The freshness check: the month that is due (deadline the 2nd, 08:00 UTC) and which IPEs have
no successful run for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from strongroom.core.observability import metrics
from strongroom.sox_evidence import wiring
from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.domain import catalog
from strongroom.sox_evidence.domain.freshness import deadline_for, due_cutoff, report
from strongroom.sox_evidence.domain.runs import RunContext, new_run_id
from strongroom.sox_evidence.handlers import freshness as freshness_handler
from strongroom.sox_evidence.services.freshness import check_freshness
from strongroom.sox_evidence.services.ipe_run import record_not_attempted
from tests.support.lambda_context import FakeLambdaContext

IPE_IDS = list(catalog.catalog())


@pytest.fixture(autouse=True)
def no_metrics_left_over() -> Iterator[None]:
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()


def emitted_metrics(out: str) -> dict[str, Any]:
    """The EMF document the handler printed: metric name -> value."""
    [document] = [json.loads(line) for line in out.splitlines() if '"_aws"' in line]
    names = [m["Name"] for m in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
    return {name: document[name] for name in names}


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 12, 2, 7, 59, tzinfo=UTC), date(2026, 10, 31)),
        (datetime(2026, 12, 2, 8, 0, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2027, 1, 1, 9, 0, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2027, 1, 2, 8, 5, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2028, 3, 2, 8, 0, tzinfo=UTC), date(2028, 2, 29)),
    ],
)
def test_a_month_is_due_from_the_2nd_of_the_next_month_at_8(now: datetime, due: date) -> None:
    assert due_cutoff(now) == due
    assert deadline_for(due) <= now


def test_the_report_names_the_ipes_without_a_successful_run_in_catalog_order() -> None:
    checked = report(date(2026, 11, 30), ["CR_05", "IPE_07", "IPE_08"], ["IPE_07", "IPE_07"])

    assert checked.without_successful_run == ("CR_05", "IPE_08")
    assert not checked.fresh
    assert checked.deadline == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert report(date(2026, 11, 30), ["IPE_07"], ["IPE_07"]).fresh


def put_record(store: InMemoryResultsStore, ipe_id: str, cutoff: date, *, succeeded: bool) -> None:
    """A stored run record of ``ipe_id`` for ``cutoff`` with the given outcome."""
    at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    context = RunContext(
        trigger="schedule",
        requester="test",
        cutoff_date=cutoff,
        cutoff_source="default",
        results_bucket=store.bucket,
        package_version="0.1.0",
    )
    entry = catalog.catalog()[ipe_id]
    record = record_not_attempted(
        entry, context, store=InMemoryResultsStore(), run_id=new_run_id(at), at=at, reason="x"
    )
    if succeeded:
        record = record.model_copy(update={"status": "succeeded", "failure": None})
    key = f"runs/{ipe_id}/cutoff_date={cutoff.isoformat()}/run_id={record.run_id}.json"
    store.put_bytes(key, record.model_dump_json().encode(), "application/json")


def test_failed_runs_and_other_months_do_not_count() -> None:
    store = InMemoryResultsStore()
    due = date(2026, 11, 30)
    put_record(store, "IPE_07", due, succeeded=False)
    put_record(store, "IPE_07", due, succeeded=True)  # a rerun that passed
    put_record(store, "CR_05", due, succeeded=False)
    put_record(store, "IPE_08", date(2026, 10, 31), succeeded=True)

    checked = check_freshness(store, datetime(2026, 12, 3, 8, 5, tzinfo=UTC))

    assert checked.cutoff_date == due
    assert checked.checked == tuple(IPE_IDS)
    assert checked.without_successful_run == ("CR_05", "IPE_08")


@pytest.fixture
def results(monkeypatch: pytest.MonkeyPatch) -> InMemoryResultsStore:
    monkeypatch.setenv("S3_RESULTS_BUCKET", "jumia-sox-results")
    fake = InMemoryResultsStore("jumia-sox-results")
    monkeypatch.setattr(wiring, "freshness_store", lambda: fake)
    return fake


def invoke(event: Any) -> dict[str, Any]:
    context = FakeLambdaContext(function_name="SOXAuto-PG01-Freshness", remaining_millis=60_000)
    return freshness_handler.handler(event, context)  # type: ignore[arg-type]


SCHEDULED = {
    "version": "0",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "time": "2027-01-02T08:05:00Z",
    "resources": ["arn:aws:events:eu-west-1:123456789012:rule/SOXAuto-Freshness-Check"],
    "detail": {},
}


def test_the_schedule_checks_the_month_due_when_it_fired(
    results: InMemoryResultsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    for ipe_id in IPE_IDS:
        put_record(results, ipe_id, date(2026, 12, 31), succeeded=True)

    answer = invoke(SCHEDULED)

    assert answer["statusCode"] == 200
    assert answer["body"]["cutoff_date"] == "2026-12-31"
    assert answer["body"]["without_successful_run"] == []
    assert emitted_metrics(capsys.readouterr().out) == {"IPEsWithoutSuccessfulRun": [0.0]}


def test_a_direct_invoke_answers_for_its_month_without_moving_the_alarm(
    results: InMemoryResultsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = invoke({"cutoff_date": "2024-02-29"})

    assert answer["body"]["cutoff_date"] == "2024-02-29"
    assert answer["body"]["without_successful_run"] == IPE_IDS
    assert "IPEsWithoutSuccessfulRun" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"cutoff_date": "2024-02-30"}, "cutoff_date"),
        ({"cutof_date": "2024-02-29"}, "cutof_date"),
        ({"source": "aws.events", "time": "the 2nd"}, "time"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field(
    results: InMemoryResultsStore, event: dict[str, Any], field: str
) -> None:
    answer = invoke(event)

    assert answer["statusCode"] == 400
    assert answer["body"]["errors"][0]["field"] == field
