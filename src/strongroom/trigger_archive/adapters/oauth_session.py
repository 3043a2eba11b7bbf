"""The HTTP session to the DEX API: one httpx client with a bounded pool, authenticated with
OAuth2 client credentials by authlib.

authlib fetches the token, sends it, and fetches a new one ``leeway`` seconds before it expires.
Its synchronous client lets every thread that finds the token near expiry fetch one at the same
time; this subclass lets one thread do it while the others wait for its token. A token the API
rejects (401) is replaced once, by the first thread to see it rejected.

Tokens, secrets and authorization headers are never logged: httpx logs request lines only, and
nothing here logs at all.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client

from strongroom.trigger_archive.adapters.secrets import ApiSecret

TRIGGER_SCOPE = "dex/trigger:all"


class OneRefreshOAuth2Client(OAuth2Client):  # type: ignore[misc]  # authlib ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token_lock = threading.Lock()

    def ensure_active_token(self, token: Any = None) -> bool:
        del token  # another thread may have replaced it meanwhile: check the current one
        with self._token_lock:
            return bool(super().ensure_active_token(self.token))

    def fetch_first_token(self) -> None:
        with self._token_lock:
            self.fetch_token(grant_type="client_credentials")

    def replace_rejected_token(self, rejected_access_token: str) -> None:
        """Fetch a new token unless another thread already replaced the rejected one."""
        with self._token_lock:
            if self.token is None or self.token.get("access_token") == rejected_access_token:
                self.fetch_token(grant_type="client_credentials")

    def current_access_token(self) -> str | None:
        token = self.token
        return None if token is None else str(token.get("access_token"))


def dex_session(
    secret: ApiSecret,
    *,
    request_timeout_s: float,
    max_connections: int,
    token_auth_method: str = "client_secret_basic",  # noqa: S107 - a method name
    refresh_leeway_s: int = 60,
    transport: httpx.BaseTransport | None = None,
) -> OneRefreshOAuth2Client:
    """A session for one run (its first token is fetched by :meth:`fetch_first_token`)."""
    return OneRefreshOAuth2Client(
        client_id=secret.client_id,
        client_secret=secret.client_secret.get_secret_value(),
        token_endpoint=secret.token_url,
        token_endpoint_auth_method=token_auth_method,
        grant_type="client_credentials",
        scope=TRIGGER_SCOPE,
        leeway=refresh_leeway_s,
        timeout=httpx.Timeout(request_timeout_s),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        transport=transport,
    )
