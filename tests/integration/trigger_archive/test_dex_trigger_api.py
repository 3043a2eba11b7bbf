"""The DEX API adapter against a scripted API on respx: token flow, retries, failures."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import respx
import stamina
from pydantic import SecretStr
from stamina.instrumentation import RetryDetails, set_on_retry_hooks

from strongroom.trigger_archive.adapters.dex_trigger_api import DexTriggerApi
from strongroom.trigger_archive.adapters.oauth_session import dex_session
from strongroom.trigger_archive.adapters.secrets import ApiSecret
from strongroom.trigger_archive.adapters.trigger_source import TriggerFetchFailed
from strongroom.trigger_archive.domain import (
    UNLIMITED,
    FailureKind,
    RetryPolicy,
    TimeBudget,
)
from tests.integration.trigger_archive.dex_standin import (
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    TOKEN_URL,
    DexStandIn,
    connection_error,
    raw,
    status,
)

pytestmark = pytest.mark.integration

DAY = date(2026, 12, 3)
QUICK = RetryPolicy(max_attempts=4, wait_initial_s=0.01, wait_max_s=0.02, wait_jitter_s=0.0)
SECRET = ApiSecret(token_url=TOKEN_URL, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET))


@pytest.fixture
def dex() -> Iterator[DexStandIn]:
    stand_in = DexStandIn()
    with respx.mock(assert_all_called=False) as router:
        stand_in.install(router)
        yield stand_in


@pytest.fixture
def retries() -> Iterator[list[RetryDetails]]:
    """Every retry stamina schedules, with the wait it chose."""
    seen: list[RetryDetails] = []
    set_on_retry_hooks([seen.append])
    yield seen
    set_on_retry_hooks(None)


def _api(dex: DexStandIn, policy: RetryPolicy = QUICK) -> DexTriggerApi:
    session = dex_session(SECRET, request_timeout_s=5, max_connections=4)
    session.fetch_first_token()
    return DexTriggerApi(session, BASE_URL + "/", policy)


def test_one_token_serves_the_whole_run(dex: DexStandIn) -> None:
    api = _api(dex)

    bodies = [api.fetch(client_id, DAY, UNLIMITED) for client_id in (1, 2, 3)]

    assert dex.tokens_issued == 1
    assert all(call.headers["Authorization"] == "Bearer token-1" for call in dex.calls)
    assert [call.url.params["triggerDate"] for call in dex.calls] == ["2026-12-03"] * 3
    assert bodies[0].startswith(b'{\n "clientId": 1')


def test_the_token_request_carries_the_scope_and_client_credentials(dex: DexStandIn) -> None:
    _api(dex)

    (request,) = dex.token_requests
    assert b"scope=dex%2Ftrigger%3Aall" in request.content
    assert b"grant_type=client_credentials" in request.content
    assert CLIENT_SECRET.encode() not in request.content  # sent as HTTP Basic, not in the form


def test_the_token_is_replaced_before_it_expires(dex: DexStandIn) -> None:
    dex.expires_in = 30  # inside authlib's 60 s leeway: already due for replacement
    api = _api(dex)

    api.fetch(1, DAY, UNLIMITED)
    api.fetch(2, DAY, UNLIMITED)

    assert dex.tokens_issued == 3
    assert [call.headers["Authorization"] for call in dex.calls] == [
        "Bearer token-2",
        "Bearer token-3",
    ]


def test_a_rejected_token_is_replaced_once_and_the_call_repeated(dex: DexStandIn) -> None:
    api = _api(dex)
    dex.rejected_tokens.add("token-1")  # e.g. revoked, or expired early on the server

    body = api.fetch(1, DAY, UNLIMITED)

    assert body
    assert dex.tokens_issued == 2
    assert [call.headers["Authorization"] for call in dex.calls] == [
        "Bearer token-1",
        "Bearer token-2",
    ]


def test_a_second_401_fails_the_client_without_more_tokens(dex: DexStandIn) -> None:
    api = _api(dex)
    dex.script(1, status(401), status(401))

    with pytest.raises(TriggerFetchFailed) as failed:
        api.fetch(1, DAY, UNLIMITED)

    assert failed.value.failure.kind is FailureKind.UNAUTHORIZED
    assert dex.tokens_issued == 2
    assert dex.calls_for(1) == 2


def test_429_waits_as_long_as_retry_after_says(
    dex: DexStandIn, retries: list[RetryDetails]
) -> None:
    api = _api(dex)
    dex.script(1, status(429, {"Retry-After": "1"}))

    assert api.fetch(1, DAY, UNLIMITED)

    assert [retry.wait_for for retry in retries] == [1.0]
    assert dex.calls_for(1) == 2


def test_server_errors_and_lost_connections_are_retried_with_backoff(
    dex: DexStandIn, retries: list[RetryDetails]
) -> None:
    api = _api(dex)
    dex.script(1, status(503), connection_error, status(500))

    assert api.fetch(1, DAY, UNLIMITED)

    assert dex.calls_for(1) == 4
    assert [retry.wait_for for retry in retries] == pytest.approx([0.01, 0.02, 0.02])


def test_retries_stop_after_the_last_attempt(dex: DexStandIn) -> None:
    api = _api(dex)
    dex.script(1, *[status(502)] * 10)

    with pytest.raises(TriggerFetchFailed) as failed:
        api.fetch(1, DAY, UNLIMITED)

    assert failed.value.failure.status == 502
    assert dex.calls_for(1) == QUICK.max_attempts


@pytest.mark.parametrize("code", [400, 403, 404, 422])
def test_other_client_errors_fail_at_once(dex: DexStandIn, code: int) -> None:
    api = _api(dex)
    dex.script(1, status(code))

    with pytest.raises(TriggerFetchFailed) as failed:
        api.fetch(1, DAY, UNLIMITED)

    assert failed.value.failure.kind is FailureKind.CLIENT_ERROR
    assert failed.value.failure.status == code
    assert dex.calls_for(1) == 1


def test_a_200_that_is_not_json_fails_the_client(dex: DexStandIn) -> None:
    api = _api(dex)
    dex.script(1, raw(b"<html>maintenance</html>"))

    with pytest.raises(TriggerFetchFailed, match="not JSON"):
        api.fetch(1, DAY, UNLIMITED)

    assert dex.calls_for(1) == 1


def test_the_body_comes_back_byte_for_byte(dex: DexStandIn) -> None:
    api = _api(dex)
    body = b'{"b": 2,   "a": 1, "text": "caf\\u00e9"}'
    dex.script(1, raw(body))

    assert api.fetch(1, DAY, UNLIMITED) == body


def test_no_retry_waits_past_the_time_budget(dex: DexStandIn) -> None:
    api = _api(dex)
    dex.script(1, status(429, {"Retry-After": "120"}))
    budget = TimeBudget(remaining_ms=lambda: 90_000, margin_s=30)  # 60 s left

    with pytest.raises(TriggerFetchFailed) as failed:
        api.fetch(1, DAY, budget)

    assert failed.value.failure.kind is FailureKind.THROTTLED
    assert dex.calls_for(1) == 1


def test_a_token_endpoint_refusal_is_a_clear_failure(dex: DexStandIn) -> None:
    bad = ApiSecret(token_url=TOKEN_URL, client_id=CLIENT_ID, client_secret=SecretStr("wrong"))
    session = dex_session(bad, request_timeout_s=5, max_connections=1)

    with pytest.raises(Exception, match="invalid_client"):
        session.fetch_first_token()


def test_stamina_is_active() -> None:
    """The retry tests above rely on stamina retrying (tests elsewhere may switch it off)."""
    assert stamina.is_active()


def test_threads_that_see_the_same_token_rejected_replace_it_once(dex: DexStandIn) -> None:
    api = _api(dex)
    dex.rejected_tokens.add("token-1")

    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(lambda client_id: api.fetch(client_id, DAY, UNLIMITED), range(16)))

    assert all(bodies)
    assert dex.tokens_issued == 2


def test_each_worker_thread_calls_on_its_own_client_and_close_closes_them_all(
    dex: DexStandIn,
) -> None:
    session = dex_session(SECRET, request_timeout_s=5, max_connections=4)
    session.fetch_first_token()
    api = DexTriggerApi(session, BASE_URL, QUICK)
    with ThreadPoolExecutor(max_workers=4) as pool:
        bodies = list(pool.map(lambda client_id: api.fetch(client_id, DAY, UNLIMITED), range(12)))
    transports = list(session._api_transports)  # what close must close

    session.close()

    assert all(bodies)
    assert 1 <= len(transports) <= 4
    assert all(not transport._pool.connections for transport in transports)
    assert dex.tokens_issued == 1


def test_a_replaced_token_is_sent_from_the_next_call_on(dex: DexStandIn) -> None:
    api = _api(dex)
    api.fetch(1, DAY, UNLIMITED)
    dex.rejected_tokens.add("token-1")

    api.fetch(2, DAY, UNLIMITED)
    api.fetch(3, DAY, UNLIMITED)

    assert [call.headers["Authorization"] for call in dex.calls] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
        "Bearer token-2",
    ]
    assert dex.tokens_issued == 2


def test_each_call_carries_the_request_timeout(dex: DexStandIn) -> None:
    api = _api(dex)  # request_timeout_s=5

    api.fetch(1, DAY, UNLIMITED)

    (call,) = dex.calls
    assert call.extensions["timeout"] == {"connect": 5, "read": 5, "write": 5, "pool": 5}
