"""An archive run with the in-memory twins: counts, failures, the time budget, reruns."""

from __future__ import annotations

import json
import threading
import time
from datetime import date

import pytest

from strongroom.core.observability import metrics
from strongroom.trigger_archive.adapters import InMemoryArchiveStore, InMemoryTriggerSource
from strongroom.trigger_archive.domain import (
    UNLIMITED,
    Client,
    ClientListUnavailable,
    FailureKind,
    FetchFailure,
    Outcome,
    RunResult,
    TimeBudget,
    run_report_key,
)
from strongroom.trigger_archive.services import ClientDone, RunPorts, archive_run
from tests.support.powertools_output import emitted_metrics
from tests.unit.trigger_archive.support import CLIENTS, StoreFailingFor, ports

DAY = date(2026, 12, 3)
NOT_FOUND = FetchFailure(FailureKind.CLIENT_ERROR, status=404, detail="Not Found")


def _run(
    run_ports: RunPorts,
    *,
    budget: TimeBudget = UNLIMITED,
    max_concurrency: int = 4,
    client_ids: list[int] | None = None,
    progress: list[ClientDone] | None = None,
) -> RunResult:
    return archive_run(
        run_ports,
        trigger_date=DAY,
        run_id="run-1",
        budget=budget,
        max_concurrency=max_concurrency,
        client_ids=client_ids,
        progress=None if progress is None else progress.append,
    )


@pytest.fixture(autouse=True)
def _fresh_metrics() -> None:
    metrics.clear_metrics()


def test_every_selected_client_is_archived_under_the_seeds_key() -> None:
    store = InMemoryArchiveStore()

    result = _run(ports(store=store))

    assert (result.total_clients, result.successful_archives, result.failed_archives) == (3, 3, 0)
    assert result.status_code == 200
    assert sorted(store.versions) == [
        "trigger/1/1_trigger_20261203.json",
        "trigger/2/2_trigger_20261203.json",
        "trigger/3/3_trigger_20261203.json",
    ]


def test_the_body_is_stored_exactly_as_received() -> None:
    body = b'{ "triggers" : [1,2],  "note": "spacing kept" }\n'
    store = InMemoryArchiveStore()

    _run(ports(source=InMemoryTriggerSource({2: body}), store=store))

    assert store.current(2, DAY) == body


def test_one_failing_client_does_not_stop_the_others() -> None:
    store = StoreFailingFor(3)

    result = _run(ports(source=InMemoryTriggerSource({1: NOT_FOUND}), store=store))

    assert result.status_code == 207
    assert result.successful_archives == 1
    assert sorted((error.client_id, error.client_name) for error in result.errors) == [
        (1, "Acme"),
        (3, "Hooli"),
    ]
    errors = {error.client_id: error.error for error in result.errors}
    assert errors[1] == "HTTP 404 refused (4xx): Not Found"
    assert errors[3] == "ConnectionError: S3 is unreachable for client 3"
    assert store.current(2, DAY) is not None


def test_clients_are_not_started_once_the_budget_runs_low() -> None:
    remaining_ms = [100_000]

    def spend_half_a_minute(client_id: int) -> None:
        del client_id
        remaining_ms[0] -= 30_000

    source = InMemoryTriggerSource(on_fetch=spend_half_a_minute)
    budget = TimeBudget(remaining_ms=lambda: remaining_ms[0], margin_s=60)
    clients = [Client(number, f"client {number}") for number in range(1, 6)]

    result = _run(ports(clients, source=source), budget=budget, max_concurrency=1)

    # 100 s left: 1 starts; 70 s: 2 starts; 40 s is under the 60 s margin: 3, 4, 5 wait.
    assert source.fetched == [1, 2]
    assert (result.successful_archives, result.not_attempted, result.failed_archives) == (2, 3, 0)
    assert result.status_code == 207
    assert result.errors == []


def test_a_rerun_of_the_same_day_reports_unchanged_and_writes_nothing() -> None:
    store = InMemoryArchiveStore()
    _run(ports(store=store))
    writes = store.writes

    rerun = _run(ports(store=store))

    assert (rerun.unchanged, rerun.changed, rerun.successful_archives) == (3, 0, 3)
    assert rerun.status_code == 200
    assert store.writes == writes


def test_a_changed_response_becomes_a_new_version() -> None:
    store = InMemoryArchiveStore()
    _run(ports(store=store))

    rerun = _run(ports(source=InMemoryTriggerSource({2: b'{"changed": true}'}), store=store))

    assert (rerun.unchanged, rerun.changed) == (2, 1)
    assert len(store.versions["trigger/2/2_trigger_20261203.json"]) == 2
    assert store.current(2, DAY) == b'{"changed": true}'


def test_a_rerun_for_chosen_clients_touches_only_them() -> None:
    source = InMemoryTriggerSource()

    result = _run(ports(source=source), client_ids=[3])

    assert source.fetched == [3]
    assert result.total_clients == 1


def test_no_more_than_max_concurrency_clients_are_in_flight() -> None:
    lock = threading.Lock()
    active = [0, 0]  # now, most

    def busy(client_id: int) -> None:
        del client_id
        with lock:
            active[0] += 1
            active[1] = max(active[1], active[0])
        time.sleep(0.005)  # overlap the calls; the assertion is about counts, not time
        with lock:
            active[0] -= 1

    clients = [Client(number, f"client {number}") for number in range(1, 41)]

    result = _run(ports(clients, source=InMemoryTriggerSource(on_fetch=busy)), max_concurrency=3)

    assert result.successful_archives == 40
    assert 1 <= active[1] <= 3


def test_progress_is_told_of_every_client() -> None:
    heard: list[ClientDone] = []

    _run(ports(source=InMemoryTriggerSource({2: NOT_FOUND})), progress=heard)

    assert sorted(done.done for done in heard) == [1, 2, 3]
    assert {done.client.id: done.outcome for done in heard} == {
        1: Outcome.ARCHIVED,
        2: Outcome.FAILED,
        3: Outcome.ARCHIVED,
    }


def test_the_run_report_is_written_outside_trigger() -> None:
    store = InMemoryArchiveStore()

    _run(ports(source=InMemoryTriggerSource({2: NOT_FOUND}), store=store))

    report = json.loads(store.reports[run_report_key(DAY, "run-1")])
    assert report["status_code"] == 207
    assert report["failed_archives"] == 1
    assert report["errors"][0]["client_id"] == 2


def test_an_unreadable_client_list_fails_the_run() -> None:
    with pytest.raises(ClientListUnavailable):
        _run(ports(directory_unavailable=True))


def test_each_count_is_a_metric(capsys: pytest.CaptureFixture[str]) -> None:
    _run(ports(CLIENTS, source=InMemoryTriggerSource({2: NOT_FOUND})))
    metrics.flush_metrics()

    emitted = emitted_metrics(capsys.readouterr().out)
    assert emitted["ClientsSelected"] == [3]
    assert emitted["ClientsArchived"] == [2]
    assert emitted["ClientsFailed"] == [1]
    assert emitted["ClientsNotAttempted"] == [0]
    assert emitted["RunsCompleted"] == [1]


def test_concurrency_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        _run(ports(), max_concurrency=0)
