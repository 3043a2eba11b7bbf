"""The HTTP session to the DEX API: OAuth2 client credentials by authlib, and one small httpx
client per worker thread for the API calls.

authlib fetches the token, and a new one ``leeway`` seconds before it expires. Its synchronous
client lets every thread that finds the token near expiry fetch one at the same time; this
subclass lets one thread do it while the others wait for its token. A token the API rejects
(401) is replaced once, by the first thread to see it rejected.

The API calls do not go through authlib's per-request auth flow, nor through one shared
connection pool: :meth:`OneRefreshOAuth2Client.get` sends on the calling thread's own httpx
client (one keep-alive connection: a worker has one call out at a time) with the
``Authorization`` header set directly, the header read under the lock only once the token is
due for replacement. httpcore rescans every pooled connection on each request's start and
end, so one pool shared by 32 to 64 threads spent a quarter of the client's CPU on bookkeeping
(docs/performance.md). :meth:`close` closes every thread's client with the session.

Tokens, secrets and authorization headers are never logged: httpx logs request lines only, and
nothing here logs at all.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

import httpx
from authlib.integrations.base_client import MissingTokenError
from authlib.integrations.httpx_client import OAuth2Client

from strongroom.trigger_archive.adapters.secrets import ApiSecret

TRIGGER_SCOPE = "dex/trigger:all"
_ONE_CONNECTION = httpx.Limits(max_connections=1, max_keepalive_connections=1)


class OneRefreshOAuth2Client(OAuth2Client):  # type: ignore[misc]  # authlib ships no types
    def __init__(
        self,
        *args: Any,
        api_transport: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._token_lock = threading.Lock()
        self._api_timeout: httpx.Timeout = kwargs.get("timeout", httpx.Timeout(5.0))
        self._api_transport = api_transport
        # one TLS context for every thread's client: loading the CA bundle costs ~50 ms of CPU
        self._api_tls = httpx.create_ssl_context()
        self._local = threading.local()
        self._api_clients: list[httpx.Client] = []
        self._clients_lock = threading.Lock()
        # (the token it was made from, "Bearer …", time.time() until which it is fresh)
        self._bearer: tuple[object, str, float] | None = None

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

    def authorization(self) -> str:
        """The ``Authorization`` header value for the current token, replaced first (by one
        thread, under the lock) once it is within ``leeway`` of expiring, as authlib would."""
        cached = self._bearer
        if cached is not None and cached[0] is self.token and time.time() <= cached[2]:
            return cached[1]
        with self._token_lock:
            token = self.token
            if token is None:
                raise MissingTokenError()
            super().ensure_active_token(token)
            token = self.token
            expires_at = token.get("expires_at")
            fresh_until = expires_at - self.leeway if isinstance(expires_at, int) else math.inf
            header = f"Bearer {token['access_token']}"
            self._bearer = (token, header, fresh_until)
            return header

    def get_with_token(self, url: httpx.URL) -> httpx.Response:
        """GET ``url`` on this thread's client with the current bearer token."""
        client: httpx.Client | None = getattr(self._local, "client", None)
        if client is None:
            client = self._api_client()
        response: httpx.Response = client.get(url, headers={"Authorization": self.authorization()})
        return response

    def _api_client(self) -> httpx.Client:
        client = httpx.Client(
            timeout=self._api_timeout,
            limits=_ONE_CONNECTION,
            verify=self._api_tls,
            transport=self._api_transport,
        )
        with self._clients_lock:
            self._api_clients.append(client)
        self._local.client = client
        return client

    def close(self) -> None:
        """Close every thread's API client, then the token client."""
        with self._clients_lock:
            clients, self._api_clients = self._api_clients, []
        for client in clients:
            client.close()
        super().close()


def dex_session(
    secret: ApiSecret,
    *,
    request_timeout_s: float,
    max_connections: int,
    token_auth_method: str = "client_secret_basic",  # noqa: S107 - a method name
    refresh_leeway_s: int = 60,
    transport: httpx.BaseTransport | None = None,
) -> OneRefreshOAuth2Client:
    """A session for one run (its first token is fetched by :meth:`fetch_first_token`).
    ``max_connections`` bounds the token client's pool; each worker thread's API client holds
    one connection."""
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
        api_transport=transport,
    )
