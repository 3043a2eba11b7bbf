"""The stand-in's authorization server: who gets a token, for what, until when."""

from __future__ import annotations

import pytest

from strongroom.local.standins.dex_tokens import (
    Access,
    RegisteredClient,
    TokenAuthority,
    TokenError,
)

SCOPE = "dex/trigger:all"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def authority(clock: Clock) -> TokenAuthority:
    clients = [
        RegisteredClient("local", "s3cret", frozenset({SCOPE, "dex/other:read"})),
        RegisteredClient("reader", "r3ader", frozenset({"dex/other:read"})),
    ]
    return TokenAuthority(clients, lifetime_seconds=60, clock=clock)


def test_a_registered_client_gets_a_token_with_the_scope_it_asked_for(
    authority: TokenAuthority,
) -> None:
    issued = authority.issue("client_credentials", "local", "s3cret", SCOPE)

    assert issued.scopes == {SCOPE}
    assert issued.expires_in == 60
    assert authority.check(issued.access_token, SCOPE) is Access.GRANTED


def test_tokens_are_opaque_and_never_repeat(authority: TokenAuthority) -> None:
    tokens = {authority.issue("client_credentials", "local", "s3cret", SCOPE).access_token}
    tokens.add(authority.issue("client_credentials", "local", "s3cret", SCOPE).access_token)

    assert len(tokens) == 2
    assert all(len(token) >= 40 and "local" not in token for token in tokens)


def test_without_a_scope_the_client_gets_every_scope_it_was_granted(
    authority: TokenAuthority,
) -> None:
    issued = authority.issue("client_credentials", "local", "s3cret", None)

    assert issued.scopes == {SCOPE, "dex/other:read"}


@pytest.mark.parametrize(
    ("client_id", "secret"), [("local", "wrong"), ("nobody", "s3cret"), ("", "")]
)
def test_an_unknown_client_or_wrong_secret_is_invalid_client_401(
    authority: TokenAuthority, client_id: str, secret: str
) -> None:
    with pytest.raises(TokenError) as refused:
        authority.issue("client_credentials", client_id, secret, SCOPE)

    assert (refused.value.error, refused.value.status) == ("invalid_client", 401)


def test_a_scope_not_granted_is_invalid_scope_400(authority: TokenAuthority) -> None:
    with pytest.raises(TokenError) as refused:
        authority.issue("client_credentials", "reader", "r3ader", f"dex/other:read {SCOPE}")

    assert (refused.value.error, refused.value.status) == ("invalid_scope", 400)
    assert SCOPE in refused.value.description


@pytest.mark.parametrize("grant_type", ["password", "authorization_code", None])
def test_only_the_client_credentials_grant_is_supported(
    authority: TokenAuthority, grant_type: str | None
) -> None:
    with pytest.raises(TokenError) as refused:
        authority.issue(grant_type, "local", "s3cret", SCOPE)

    assert (refused.value.error, refused.value.status) == ("unsupported_grant_type", 400)


def test_a_token_works_until_its_lifetime_ends(authority: TokenAuthority, clock: Clock) -> None:
    token = authority.issue("client_credentials", "local", "s3cret", SCOPE).access_token

    clock.now += 59.9
    assert authority.check(token, SCOPE) is Access.GRANTED
    clock.now += 0.1
    assert authority.check(token, SCOPE) is Access.INVALID_TOKEN


def test_a_token_without_the_required_scope_is_insufficient(authority: TokenAuthority) -> None:
    token = authority.issue("client_credentials", "reader", "r3ader", None).access_token

    assert authority.check(token, SCOPE) is Access.INSUFFICIENT_SCOPE
    assert authority.check("made-up", SCOPE) is Access.INVALID_TOKEN


def test_expire_all_invalidates_every_issued_token_but_not_later_ones(
    authority: TokenAuthority,
) -> None:
    old = authority.issue("client_credentials", "local", "s3cret", SCOPE).access_token

    assert authority.expire_all() == 1
    new = authority.issue("client_credentials", "local", "s3cret", SCOPE).access_token

    assert authority.check(old, SCOPE) is Access.INVALID_TOKEN
    assert authority.check(new, SCOPE) is Access.GRANTED


def test_the_lifetime_is_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        TokenAuthority([], lifetime_seconds=0)
