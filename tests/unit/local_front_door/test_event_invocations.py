"""Event invocations run in the background; a function error is retried twice, then given up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from strongroom.local.front_door.event_invocations import EventInvocations
from tests.support.in_memory_lambda import InMemoryLambda
from tests.support.waiting import eventually


def _flaky(failures: int) -> Any:
    calls = {"count": 0}

    def function(event: Any) -> Any:
        calls["count"] += 1
        if calls["count"] <= failures:
            raise RuntimeError(f"failure {calls['count']}")
        return event

    return function


def _run(tmp_path: Path, failures: int, name: str = "orders") -> tuple[InMemoryLambda, list[str]]:
    service = InMemoryLambda(tmp_path)
    service.add(name, _flaky(failures))
    log: list[str] = []
    events = EventInvocations(service, log=log.append, retry_delays=(0, 0))
    events.submit(name, {"n": 1}, "req-1")
    eventually(lambda: any("ok" in line or "given up" in line for line in log), timeout=10)
    events.close()
    return service, log


def test_a_successful_event_runs_once_and_is_logged(tmp_path: Path) -> None:
    service, log = _run(tmp_path, failures=0)

    assert [call.event for call in service.calls_of("orders")] == [{"n": 1}]
    (line,) = log
    assert line.startswith("invoke (Event req-1) -> orders ok (")
    assert line.endswith("attempt 1 of 3)")


def test_a_function_error_is_retried_until_it_succeeds(tmp_path: Path) -> None:
    service, log = _run(tmp_path, failures=2)

    assert len(service.calls_of("orders")) == 3
    assert ["retry in 0 s" in line for line in log] == [True, True, False]
    assert log[-1].endswith("attempt 3 of 3)")
    assert " ok " in log[-1]


def test_after_two_retries_the_event_is_given_up(tmp_path: Path) -> None:
    service, log = _run(tmp_path, failures=5)

    assert len(service.calls_of("orders")) == 3
    assert "error RuntimeError" in log[-1]
    assert log[-1].endswith("attempt 3 of 3): given up")


def test_a_retry_waiting_when_the_queue_closes_is_dropped_and_logged(tmp_path: Path) -> None:
    service = InMemoryLambda(tmp_path)
    service.add("orders", _flaky(5))
    log: list[str] = []
    events = EventInvocations(service, log=log.append, retry_delays=(3600, 3600))
    events.submit("orders", {}, "req-1")
    eventually(lambda: log, timeout=10)

    events.close()

    assert len(service.calls_of("orders")) == 1
    assert log[-1] == "invoke (Event req-1) -> orders dropped: the stack stopped"


def test_an_unexpected_runtime_failure_is_logged_not_swallowed(tmp_path: Path) -> None:
    log: list[str] = []
    events = EventInvocations(InMemoryLambda(tmp_path), log=log.append, retry_delays=())
    events.submit("nobody", {}, "req-1")
    events.close()

    assert log == [
        "invoke (Event req-1) -> nobody failed: LookupError('Function not found: nobody')"
    ]
