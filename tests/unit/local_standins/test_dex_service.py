"""The stand-in's routes without sockets: trigger calls, faults, latency and the control API."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from strongroom.local.standins.dex_payloads import trigger_body
from strongroom.local.standins.dex_service import DexService
from strongroom.local.standins.dex_tokens import RegisteredClient, TokenAuthority
from strongroom.local.standins.replies import Reply

SCOPE = "dex/trigger:all"
CONTROL = {"x-strongroom-control": "control-secret"}
TRIGGER = "/data-exchange/trigger?clientId=1001&triggerDate=2024-11-27"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def service(sleeps: list[float]) -> DexService:
    authority = TokenAuthority(
        [
            RegisteredClient("local", "s3cret", frozenset({SCOPE})),
            RegisteredClient("reader", "r3ader", frozenset({"dex/other:read"})),
        ]
    )
    return DexService(authority, "control-secret", sleep=sleeps.append, clock=Clock())


def token(service: DexService, client: str = "local", secret: str = "s3cret") -> str:
    body = f"grant_type=client_credentials&client_id={client}&client_secret={secret}".encode()
    reply = service.handle(
        "POST", "/oauth/token", {"content-type": "application/x-www-form-urlencoded"}, body
    )
    assert reply.status == 200
    return str(reply.document()["access_token"])


def get(service: DexService, target: str, access_token: str | None) -> Reply:
    headers = {"authorization": f"Bearer {access_token}"} if access_token else {}
    return service.handle("GET", target, headers, b"")


def control(
    service: DexService,
    method: str,
    path: str,
    body: Any = None,
    headers: Mapping[str, str] = CONTROL,
) -> Reply:
    data = json.dumps(body).encode() if body is not None else b""
    return service.handle(method, f"/_control/{path}", headers, data)


def test_a_valid_token_gets_the_clients_trigger_file(service: DexService) -> None:
    reply = get(service, TRIGGER, token(service))

    assert reply.status == 200
    assert reply.header("Content-Type") == "application/json"
    assert reply.body == trigger_body(1001, date(2024, 11, 27), 0)


def test_no_token_or_an_unknown_one_is_401_with_a_bearer_challenge(service: DexService) -> None:
    missing = get(service, TRIGGER, None)
    unknown = get(service, TRIGGER, "forged")

    assert missing.status == unknown.status == 401
    assert missing.header("WWW-Authenticate") == 'Bearer realm="dex-api"'
    assert unknown.header("WWW-Authenticate") == 'Bearer realm="dex-api", error="invalid_token"'


def test_a_token_without_the_trigger_scope_is_403(service: DexService) -> None:
    reply = get(service, TRIGGER, token(service, "reader", "r3ader"))

    assert reply.status == 403
    assert 'error="insufficient_scope"' in (reply.header("WWW-Authenticate") or "")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("triggerDate=2024-11-27", "clientId"),
        ("clientId=abc&triggerDate=2024-11-27", "clientId"),
        ("clientId=1001", "triggerDate"),
        ("clientId=1001&triggerDate=27/11/2024", "triggerDate"),
        ("clientId=1001&triggerDate=2024-02-30", "triggerDate"),
        ("clientId=1&clientId=2&triggerDate=2024-11-27", "clientId"),
    ],
)
def test_a_bad_parameter_is_400_naming_it(service: DexService, query: str, parameter: str) -> None:
    reply = get(service, f"/data-exchange/trigger?{query}", token(service))

    assert reply.status == 400
    assert reply.document()["parameter"] == parameter


def test_unknown_paths_and_wrong_methods_are_404_and_405(service: DexService) -> None:
    assert service.handle("GET", "/nowhere", {}, b"").status == 404
    wrong_method = service.handle("POST", TRIGGER, {}, b"")
    assert (wrong_method.status, wrong_method.header("Allow")) == (405, "GET")


def test_latency_is_slept_once_per_trigger_call(service: DexService, sleeps: list[float]) -> None:
    service.set_faults(latency_ms=50)
    access = token(service)

    get(service, TRIGGER, access)
    get(service, TRIGGER, access)

    assert sleeps == [0.05, 0.05]


def test_a_rate_limited_call_is_429_with_retry_after(service: DexService) -> None:
    service.set_faults(rate_limit_fraction=1.0, retry_after_seconds=2)

    reply = get(service, TRIGGER, token(service))

    assert (reply.status, reply.header("Retry-After")) == (429, "2")


def test_an_early_retry_is_counted(service: DexService) -> None:
    service.set_faults(rate_limit_fraction=1.0, retry_after_seconds=2)
    access = token(service)

    get(service, TRIGGER, access)
    get(service, TRIGGER, access)

    assert service.stats_snapshot()["early_retries"] == 1


def test_a_failing_client_always_gets_500_and_others_do_not(service: DexService) -> None:
    service.set_faults(failing_client_ids=[1001])
    access = token(service)

    assert {get(service, TRIGGER, access).status for _ in range(3)} == {500}
    other = "/data-exchange/trigger?clientId=1002&triggerDate=2024-11-27"
    assert get(service, other, access).status == 200


def test_bumping_a_revision_changes_only_that_clients_body(service: DexService) -> None:
    access = token(service)
    other = "/data-exchange/trigger?clientId=1002&triggerDate=2024-11-27"
    before, other_before = get(service, TRIGGER, access).body, get(service, other, access).body

    assert service.bump_revision(1001) == 1

    assert get(service, TRIGGER, access).body != before
    assert get(service, other, access).body == other_before


def test_control_needs_the_secret(service: DexService) -> None:
    assert control(service, "GET", "stats", headers={}).status == 401
    assert control(service, "GET", "stats", headers={"x-strongroom-control": "no"}).status == 401


def test_control_changes_faults_expires_tokens_and_bumps_revisions(service: DexService) -> None:
    access = token(service)

    faults = control(service, "POST", "faults", {"latency_ms": 20, "failing_client_ids": [7]})
    expired = control(service, "POST", "expire-tokens")
    revision = control(service, "POST", "clients/1001/revision")

    assert faults.document()["latency_ms"] == 20
    assert faults.document()["failing_client_ids"] == [7]
    assert control(service, "GET", "faults").document() == faults.document()
    assert expired.document() == {"expired": 1}
    assert get(service, TRIGGER, access).status == 401
    assert revision.document() == {"client_id": 1001, "revision": 1}


def test_bad_fault_settings_are_400_naming_the_rule(service: DexService) -> None:
    reply = control(service, "POST", "faults", {"rate_limit_fraction": 2})

    assert reply.status == 400
    assert "rate_limit_fraction" in reply.document()["message"]
    assert control(service, "POST", "faults", [1]).status == 400


def test_reset_clears_faults_revisions_and_stats_but_keeps_tokens(service: DexService) -> None:
    access = token(service)
    service.set_faults(failing_client_ids=[1001])
    service.bump_revision(1001)

    assert control(service, "POST", "reset").status == 200

    assert service.stats_snapshot()["requests"] == {}
    reply = get(service, TRIGGER, access)
    assert reply.body == trigger_body(1001, date(2024, 11, 27), 0)


def test_stats_count_paths_statuses_and_tokens_but_not_control_calls(service: DexService) -> None:
    access = token(service)
    get(service, TRIGGER, access)
    get(service, TRIGGER, None)
    service.handle("GET", "/elsewhere", {}, b"")

    stats = control(service, "GET", "stats").document()

    assert stats["requests"] == {"/data-exchange/trigger": 2, "/oauth/token": 1, "other": 1}
    assert stats["statuses"] == {"200": 2, "401": 1, "404": 1}
    assert stats["tokens_issued"] == 1
    assert stats["max_concurrent_triggers"] == 1
    assert stats["early_retries"] == 0
