"""The token endpoint's HTTP contract: RFC 6749 §4.4 requests, §5.1 and §5.2 answers."""

from __future__ import annotations

import base64
from urllib.parse import quote, urlencode

import pytest

from strongroom.local.standins.dex_oauth import token_reply
from strongroom.local.standins.dex_tokens import RegisteredClient, TokenAuthority

SCOPE = "dex/trigger:all"
FORM = {"content-type": "application/x-www-form-urlencoded"}
SECRET = "se:cr/et+1"  # characters RFC 6749 §2.3.1 form-encodes inside Basic


@pytest.fixture
def authority() -> TokenAuthority:
    return TokenAuthority([RegisteredClient("strongroom-local", SECRET, frozenset({SCOPE}))])


def basic(client_id: str, secret: str, *, encode: bool = True) -> str:
    pair = (
        f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
        if encode
        else f"{client_id}:{secret}"
    )
    return "Basic " + base64.b64encode(pair.encode()).decode()


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


@pytest.mark.parametrize("encode", [True, False], ids=["form-encoded (authlib)", "raw (httpx)"])
def test_client_secret_basic_gets_a_bearer_token(authority: TokenAuthority, encode: bool) -> None:
    headers = {**FORM, "authorization": basic("strongroom-local", SECRET, encode=encode)}

    reply = token_reply(authority, headers, form(grant_type="client_credentials", scope=SCOPE))

    assert reply.status == 200
    document = reply.document()
    assert set(document) == {"access_token", "token_type", "expires_in", "scope"}
    assert (document["token_type"], document["scope"]) == ("Bearer", SCOPE)
    assert document["expires_in"] == 3600
    assert reply.header("Cache-Control") == "no-store"
    assert reply.header("Content-Type") == "application/json"


def test_client_secret_post_gets_a_bearer_token(authority: TokenAuthority) -> None:
    body = form(
        grant_type="client_credentials",
        scope=SCOPE,
        client_id="strongroom-local",
        client_secret=SECRET,
    )

    reply = token_reply(authority, FORM, body)

    assert reply.status == 200
    assert reply.document()["scope"] == SCOPE


def test_a_wrong_secret_is_401_invalid_client_with_a_basic_challenge(
    authority: TokenAuthority,
) -> None:
    headers = {**FORM, "authorization": basic("strongroom-local", "guess")}

    reply = token_reply(authority, headers, form(grant_type="client_credentials"))

    assert reply.status == 401
    assert reply.document()["error"] == "invalid_client"
    assert reply.header("WWW-Authenticate") == 'Basic realm="dex-api"'


def test_no_client_authentication_is_401(authority: TokenAuthority) -> None:
    reply = token_reply(authority, FORM, form(grant_type="client_credentials"))

    assert (reply.status, reply.document()["error"]) == (401, "invalid_client")


def test_two_authentication_methods_at_once_are_refused(authority: TokenAuthority) -> None:
    headers = {**FORM, "authorization": basic("strongroom-local", SECRET)}
    body = form(grant_type="client_credentials", client_id="strongroom-local", client_secret=SECRET)

    reply = token_reply(authority, headers, body)

    assert (reply.status, reply.document()["error"]) == (400, "invalid_request")


def test_an_unknown_scope_is_400_invalid_scope(authority: TokenAuthority) -> None:
    headers = {**FORM, "authorization": basic("strongroom-local", SECRET)}

    reply = token_reply(authority, headers, form(grant_type="client_credentials", scope="admin"))

    assert (reply.status, reply.document()["error"]) == (400, "invalid_scope")


def test_another_grant_is_400_unsupported_grant_type(authority: TokenAuthority) -> None:
    headers = {**FORM, "authorization": basic("strongroom-local", SECRET)}

    reply = token_reply(authority, headers, form(grant_type="password", scope=SCOPE))

    assert (reply.status, reply.document()["error"]) == (400, "unsupported_grant_type")


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"content-type": "application/json"}, b'{"grant_type": "client_credentials"}'),
        (FORM, b"grant_type=client_credentials&grant_type=client_credentials"),
    ],
    ids=["not a form", "a repeated parameter"],
)
def test_a_malformed_request_is_400_invalid_request(
    authority: TokenAuthority, headers: dict[str, str], body: bytes
) -> None:
    reply = token_reply(
        authority, {**headers, "authorization": basic("strongroom-local", SECRET)}, body
    )

    assert (reply.status, reply.document()["error"]) == (400, "invalid_request")
