"""The HTTP session to the DEX API: OAuth2 client credentials by authlib, and one httpx
connection per worker thread for the API calls.

authlib fetches the token, and a new one ``leeway`` seconds before it expires. Its synchronous
client lets every thread that finds the token near expiry fetch one at the same time; this
subclass lets one thread do it while the others wait for its token. A token the API rejects
(401) is replaced once, by the first thread to see it rejected.

The API calls do not go through authlib's per-request auth flow, nor through one shared
connection pool: :meth:`OneRefreshOAuth2Client.get_with_token` sends on the calling thread's
own httpx transport (one keep-alive connection: a worker has one call out at a time) with the
``Authorization`` header set directly, the header read under the lock only once the token is
due for replacement. httpcore rescans every pooled connection on each request's start and
end, so one pool shared by 32 to 64 threads spent a quarter of the client's CPU on bookkeeping
(docs/performance.md). :meth:`close` closes every thread's transport with the session.

Tokens, secrets and authorization headers are never logged: httpx logs the token request's
line only (the API calls bypass ``httpx.Client`` and its log line), and nothing here logs at all.
"""

from __future__ import annotations

import math
import ssl
import threading
import time
from typing import Any

import httpx
from authlib.integrations.base_client import MissingTokenError
from authlib.integrations.httpx_client import OAuth2Client

from strongroom.trigger_archive.adapters.secrets import ApiSecret

TRIGGER_SCOPE = "dex/trigger:all"
_ONE_CONNECTION = httpx.Limits(max_connections=1, max_keepalive_connections=1)
_API_HEADERS = (  # what httpx.Client sends by default
    (b"Accept", b"*/*"),
    (b"Accept-Encoding", b"gzip, deflate"),
    (b"Connection", b"keep-alive"),
    (b"User-Agent", f"python-httpx/{httpx.__version__}".encode()),
)


class OneRefreshOAuth2Client(OAuth2Client):  # type: ignore[misc]  # authlib ships no types
    def __init__(
        self,
        *args: Any,
        api_transport: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._token_lock = threading.Lock()
        self._api_timeout = httpx.Timeout(kwargs.get("timeout", 5.0))  # httpx.Client's default
        self._api_transport = api_transport
        # one TLS context for every thread's transport (the token client's own when it was
        # given one): loading the CA bundle costs ~50 ms of CPU each time
        verify = kwargs.get("verify")
        self._api_tls = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context()
        self._local = threading.local()
        self._api_transports: list[httpx.BaseTransport] = []
        self._api_extensions = {"timeout": self._api_timeout.as_dict()}
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
        """GET ``url`` on this thread's connection with the current bearer token; the body is
        read before it returns. Sent on the transport: what ``httpx.Client`` adds on top
        (cookies, redirects, auth flow, event hooks) is not used by the DEX API."""
        transport: httpx.BaseTransport | None = getattr(self._local, "transport", None)
        if transport is None:
            transport = self._api_transport_for_thread()
        request = httpx.Request(
            "GET",
            url,
            headers=[*_API_HEADERS, (b"Authorization", self.authorization().encode())],
            extensions=self._api_extensions,
        )
        response = transport.handle_request(request)
        response.request = request
        try:
            response.read()
        finally:
            response.close()
        return response

    def _api_transport_for_thread(self) -> httpx.BaseTransport:
        transport = self._api_transport or httpx.HTTPTransport(
            verify=self._api_tls, limits=_ONE_CONNECTION
        )
        with self._clients_lock:
            self._api_transports.append(transport)
        self._local.transport = transport
        return transport

    def close(self) -> None:
        """Close every thread's connection, then the token client."""
        with self._clients_lock:
            transports, self._api_transports = self._api_transports, []
        for transport in {id(each): each for each in transports}.values():
            transport.close()
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
        verify=httpx.create_ssl_context(),  # shared with every worker thread's transport
        transport=transport,
        api_transport=transport,
    )
