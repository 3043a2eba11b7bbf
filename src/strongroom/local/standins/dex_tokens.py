"""The DEX stand-in's OAuth2 authorization server: client credentials grant (RFC 6749 §4.4).

Pure bookkeeping with an injected clock: which clients exist, which tokens were issued with
which scopes and until when. The HTTP layer turns its answers into RFC 6749 §5 responses.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

DEFAULT_TOKEN_LIFETIME_SECONDS = 3600
TOKEN_BYTES = 32


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    client_secret: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    scopes: frozenset[str]
    expires_in: int


class TokenError(Exception):
    """A refused token request: ``error`` is the RFC 6749 §5.2 code, ``status`` its HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class Access(Enum):
    """What a bearer token allows for a required scope (RFC 6750 §3.1)."""

    GRANTED = "granted"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - unknown, expired or revoked: 401
    INSUFFICIENT_SCOPE = "insufficient_scope"  # valid but without the scope: 403


@dataclass(frozen=True)
class _Grant:
    scopes: frozenset[str]
    expires_at: float


class TokenAuthority:
    """Issues opaque random tokens to registered clients and checks them; thread-safe."""

    def __init__(
        self,
        clients: Iterable[RegisteredClient],
        *,
        lifetime_seconds: int = DEFAULT_TOKEN_LIFETIME_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if lifetime_seconds <= 0:
            raise ValueError("a token lifetime is a positive number of seconds")
        self._clients = {client.client_id: client for client in clients}
        self.lifetime_seconds = lifetime_seconds
        self._clock = clock
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    def issue(
        self, grant_type: str | None, client_id: str, client_secret: str, scope: str | None
    ) -> IssuedToken:
        if grant_type != "client_credentials":
            raise TokenError(
                "unsupported_grant_type", f"grant_type {grant_type!r} is not client_credentials"
            )
        client = self._clients.get(client_id)
        if client is None or not hmac.compare_digest(
            client_secret.encode(), client.client_secret.encode()
        ):
            raise TokenError("invalid_client", "unknown client or wrong secret", status=401)
        requested = frozenset(scope.split()) if scope and scope.strip() else client.scopes
        if not requested <= client.scopes:
            refused = " ".join(sorted(requested - client.scopes))
            raise TokenError("invalid_scope", f"scope not granted to this client: {refused}")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._clock()
        with self._lock:
            self._forget_expired(now)
            self._grants[token] = _Grant(requested, now + self.lifetime_seconds)
        return IssuedToken(token, requested, self.lifetime_seconds)

    def check(self, access_token: str, required_scope: str) -> Access:
        with self._lock:
            grant = self._grants.get(access_token)
        if grant is None or self._clock() >= grant.expires_at:
            return Access.INVALID_TOKEN
        if required_scope not in grant.scopes:
            return Access.INSUFFICIENT_SCOPE
        return Access.GRANTED

    def expire_all(self) -> int:
        """Every token issued so far stops working now (as if the server had rotated keys)."""
        with self._lock:
            count = len(self._grants)
            self._grants.clear()
        return count

    def _forget_expired(self, now: float) -> None:
        expired = [token for token, grant in self._grants.items() if now >= grant.expires_at]
        for token in expired:
            del self._grants[token]
