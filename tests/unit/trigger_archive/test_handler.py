"""The function as Lambda calls it, with the in-memory twins bound in the wiring."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from strongroom.trigger_archive import wiring
from strongroom.trigger_archive.adapters import InMemoryArchiveStore, InMemoryTriggerSource
from strongroom.trigger_archive.domain import (
    ArchiveRunFailed,
    ClientListUnavailable,
    FailureKind,
    FetchFailure,
)
from strongroom.trigger_archive.handlers import archive
from strongroom.trigger_archive.services import RunPorts
from tests.support.lambda_context import FakeLambdaContext
from tests.support.powertools_output import emitted_metrics
from tests.unit.trigger_archive.support import opener, ports

ENVIRONMENT = {
    "BUCKET_NAME": "dex-trigger-archive",
    "DB_SECRET_NAME": "dex-archive/db-credentials",
    "API_SECRET_NAME": "dex-archive/api-credentials",
    "DEX_API_BASE_URL": "https://dex.example.com",
    "TIMEZONE": "Europe/London",
}
SERVER_ERROR = FetchFailure(FailureKind.SERVER_ERROR, status=503, detail="Service Unavailable")


@pytest.fixture
def bind(monkeypatch: pytest.MonkeyPatch) -> Callable[[RunPorts], None]:
    settings = wiring.ArchiveSettings.from_environment(ENVIRONMENT)
    monkeypatch.setattr(wiring, "settings", lambda: settings)

    def bind_ports(run_ports: RunPorts) -> None:
        monkeypatch.setattr(wiring, "run_ports", opener(run_ports))

    return bind_ports


def _invoke(event: Any, remaining_millis: int = 900_000) -> dict[str, Any]:
    return archive.handler(event, FakeLambdaContext(remaining_millis=remaining_millis))  # type: ignore[arg-type]


def test_the_seeds_invocation_archives_today(bind: Callable[[RunPorts], None]) -> None:
    store = InMemoryArchiveStore()
    bind(ports(store=store))
    london = wiring.ArchiveSettings.from_environment(ENVIRONMENT).timezone
    before = datetime.now(UTC).astimezone(london).date().isoformat()

    response = _invoke({})

    assert response["statusCode"] == 200
    body = response["body"]
    assert isinstance(body, dict), "the body is a JSON object, as in the seed"
    assert (body["total_clients"], body["successful_archives"], body["failed_archives"]) == (
        3,
        3,
        0,
    )
    assert body["errors"] == []
    after = datetime.now(UTC).astimezone(london).date().isoformat()
    assert body["trigger_date"] in {before, after}  # today in London (midnight may pass)
    assert body["run_id"].endswith(FakeLambdaContext().aws_request_id)


def test_a_scheduled_run_archives_the_scheduled_day(bind: Callable[[RunPorts], None]) -> None:
    bind(ports())

    response = _invoke({"scheduled_time": "2026-10-24T23:30:00Z"})  # 00:30 BST on the 25th

    assert response["body"]["trigger_date"] == "2026-10-25"


def test_a_failed_client_answers_207_naming_it(bind: Callable[[RunPorts], None]) -> None:
    bind(ports(source=InMemoryTriggerSource({2: SERVER_ERROR})))

    response = _invoke({"trigger_date": "2026-12-03"})

    assert response["statusCode"] == 207
    assert response["body"]["errors"] == [
        {
            "client_id": 2,
            "client_name": "Globex",
            "error": "HTTP 503 server error (5xx): Service Unavailable",
        }
    ]


def test_every_client_failing_fails_the_invocation(
    bind: Callable[[RunPorts], None], capsys: pytest.CaptureFixture[str]
) -> None:
    store = InMemoryArchiveStore()
    failing = InMemoryTriggerSource(dict.fromkeys((1, 2, 3), SERVER_ERROR))
    bind(ports(source=failing, store=store))

    with pytest.raises(ArchiveRunFailed, match="none of 3 clients archived"):
        _invoke({"trigger_date": "2026-12-03"})

    assert len(store.reports) == 1, "the run report is written before the invocation fails"
    assert emitted_metrics(capsys.readouterr().out)["ClientsFailed"] == [3]


def test_an_unreadable_client_list_fails_the_invocation(
    bind: Callable[[RunPorts], None],
) -> None:
    bind(ports(directory_unavailable=True))

    with pytest.raises(ClientListUnavailable):
        _invoke({})


def test_a_budget_spent_before_any_client_fails_the_invocation(
    bind: Callable[[RunPorts], None],
) -> None:
    """(Clients left out by the budget after others were archived answer 207: see the
    service's tests.)"""
    bind(ports())

    with pytest.raises(ArchiveRunFailed, match="3 not attempted"):
        _invoke({"trigger_date": "2026-12-03"}, remaining_millis=30_000)


def test_a_rerun_of_chosen_clients(bind: Callable[[RunPorts], None]) -> None:
    source = InMemoryTriggerSource()
    bind(ports(source=source))

    response = _invoke({"trigger_date": "2026-12-03", "client_ids": [2]})

    assert response["statusCode"] == 200
    assert source.fetched == [2]


def test_a_bad_event_answers_400_naming_the_field(bind: Callable[[RunPorts], None]) -> None:
    source = InMemoryTriggerSource()
    bind(ports(source=source))

    response = _invoke({"trigger_date": "2026-13-01"})

    assert response["statusCode"] == 400
    assert response["body"]["errors"] == [
        {"field": "trigger_date", "rule": "must be a calendar date (YYYY-MM-DD)"}
    ]
    assert source.fetched == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TIMEZONE", "Mars/Olympus", "IANA time zone"),
        ("SERVICE_IDS", "2,x", "SERVICE_IDS"),
        ("MAX_CONCURRENCY", "0", "MAX_CONCURRENCY"),
        ("DEX_API_BASE_URL", "dex.example.com", "DEX_API_BASE_URL"),
    ],
)
def test_settings_name_the_variable_that_breaks_its_rule(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(wiring.SettingsError, match=message):
        wiring.ArchiveSettings.from_environment({**ENVIRONMENT, name: value})


def test_service_ids_are_read_from_a_comma_list() -> None:
    settings = wiring.ArchiveSettings.from_environment({**ENVIRONMENT, "SERVICE_IDS": "2, 8,3"})

    assert settings.service_ids == (2, 8, 3)
