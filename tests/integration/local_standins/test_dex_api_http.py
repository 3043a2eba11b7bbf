"""The DEX stand-in over real HTTP: token flows, trigger calls, faults, control and stats."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from strongroom.local.standins.dex_api import FIELDS, DexApiStandIn
from tests.integration.local_standins.http import (
    basic_token,
    control,
    post_token,
    send,
    trigger,
)

DAY = "2024-11-27"


@pytest.fixture(scope="module")
def standin() -> Iterator[DexApiStandIn]:
    with DexApiStandIn(token_lifetime_seconds=600) as running:
        yield running


@pytest.fixture
def described(standin: DexApiStandIn) -> Iterator[dict[str, str]]:
    standin.reset()
    yield standin.describe()
    standin.reset()


@pytest.fixture
def token(described: dict[str, str]) -> str:
    return str(basic_token(described).json()["access_token"])


def test_it_describes_every_field_systems_may_refer_to(described: dict[str, str]) -> None:
    assert tuple(described) == FIELDS
    assert described["base_url"].startswith("http://127.0.0.1:")
    assert described["client_id"] == "strongroom-local"


def test_client_secret_basic_and_post_both_get_a_token(described: dict[str, str]) -> None:
    for answer in (basic_token(described), post_token(described)):
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "application/json"
        document = answer.json()
        assert (document["token_type"], document["expires_in"]) == ("Bearer", 600)
        assert document["scope"] == "dex/trigger:all"


def test_a_wrong_secret_or_scope_is_refused(described: dict[str, str]) -> None:
    wrong_secret = post_token(described, secret="guess")
    wrong_scope = basic_token(described, scope="dex/trigger:all dex/admin")

    assert (wrong_secret.status, wrong_secret.json()["error"]) == (401, "invalid_client")
    assert (wrong_scope.status, wrong_scope.json()["error"]) == (400, "invalid_scope")


def test_a_token_reads_the_trigger_file_as_json(described: dict[str, str], token: str) -> None:
    answer = trigger(described, token, 1001, DAY)

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["clientId"] == 1001
    assert trigger(described, token, 1001, DAY).body == answer.body


def test_after_a_forced_expiry_the_old_token_is_401_and_a_new_one_works(
    described: dict[str, str], token: str
) -> None:
    expired = control(described, "expire-tokens", method="POST")
    refused = trigger(described, token, 1001, DAY)
    fresh = str(basic_token(described).json()["access_token"])

    assert expired.json()["expired"] >= 1
    assert refused.status == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert trigger(described, fresh, 1001, DAY).status == 200


def test_rate_limits_answer_429_with_retry_after(described: dict[str, str], token: str) -> None:
    control(described, "faults", method="POST", body={"rate_limit_fraction": 1.0})

    answer = trigger(described, token, 1001, DAY)

    assert (answer.status, answer.headers["Retry-After"]) == (429, "1")
    early = trigger(described, token, 1001, DAY)  # at once, not a second later
    stats = control(described, "stats").json()
    assert early.status == 429
    assert stats["early_retries"] == 1
    assert stats["early_retry_examples"][0]["client_id"] == 1001


def test_a_failing_client_always_gets_500(described: dict[str, str], token: str) -> None:
    control(described, "faults", method="POST", body={"failing_client_ids": [1003]})

    assert {trigger(described, token, 1003, DAY).status for _ in range(3)} == {500}
    assert trigger(described, token, 1004, DAY).status == 200


def test_a_revision_bump_changes_the_body(described: dict[str, str], token: str) -> None:
    before = trigger(described, token, 1005, DAY).body

    bumped = control(described, "clients/1005/revision", method="POST")

    assert bumped.json() == {"client_id": 1005, "revision": 1}
    after = trigger(described, token, 1005, DAY)
    assert after.body != before
    assert after.json()["revision"] == 1


def test_stats_count_requests_and_statuses(described: dict[str, str], token: str) -> None:
    trigger(described, token, 1001, DAY)
    send(f"{described['trigger_url']}?clientId=x&triggerDate={DAY}")

    stats = control(described, "stats").json()

    assert stats["requests"] == {"/data-exchange/trigger": 2, "/oauth/token": 1}
    assert stats["statuses"] == {"200": 2, "401": 1}
    assert stats["tokens_issued"] == 1
    assert stats["max_concurrent_triggers"] == 1


def test_the_control_api_refuses_a_request_without_the_secret(described: dict[str, str]) -> None:
    assert send(f"{described['control_url']}/stats").status == 401
    assert send(f"{described['control_url']}/reset", method="POST", data=b"").status == 401


def test_one_connection_carries_many_requests(described: dict[str, str], token: str) -> None:
    address = urlsplit(described["base_url"])
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    statuses = []
    sockets = []
    for client in range(20):
        connection.request(
            "GET",
            f"/data-exchange/trigger?clientId={client}&triggerDate={DAY}",
            headers={"Authorization": f"Bearer {token}"},
        )
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
        sockets.append(connection.sock)  # http.client opens a new one if the server closed
    connection.close()

    assert statuses == [200] * 20
    assert all(sock is sockets[0] for sock in sockets)


def test_it_runs_standalone_and_prints_one_json_line() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "strongroom.local.standins.dex_api", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        described = json.loads(process.stdout.readline())
        assert set(described) == set(FIELDS)
        answer = post_token(described)
        assert answer.status == 200
        assert trigger(described, answer.json()["access_token"], 7, DAY).status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0
