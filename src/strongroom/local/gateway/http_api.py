"""A local HTTP API endpoint: a loopback HTTP server in front of ``HttpApiDispatcher``."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast

from strongroom.local.gateway.dispatcher import INTEGRATION_TIMEOUT_SECONDS, HttpApiDispatcher
from strongroom.local.gateway.events import IncomingRequest
from strongroom.local.gateway.jwt_authorizer import JwtVerifier
from strongroom.local.gateway.responses import GatewayResponse, gateway_message
from strongroom.local.serving import ServingThread
from strongroom.local.specs import HttpApiSpec, Invoker

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
"""HTTP API's payload quota, 10 MB (not adjustable). Over it, API Gateway answers 413 with a
plain-text body naming the limit in bytes, before anything reaches the integration."""
_TOO_LARGE = GatewayResponse(
    413,
    (("content-type", "text; charset=utf-8"),),
    f"HTTP content length exceeded {MAX_PAYLOAD_BYTES} bytes.".encode(),
)
_BAD_REQUEST = gateway_message(400, "Bad Request")


class _Refused(Exception):
    """The request cannot be read: answer ``response`` and close the connection."""

    def __init__(self, response: GatewayResponse) -> None:
        super().__init__(response.status)
        self.response = response


class LocalHttpApi:
    def __init__(
        self,
        spec: HttpApiSpec,
        invoker: Invoker,
        verifier: JwtVerifier,
        *,
        region: str,
        account_id: str,
        host: str = "127.0.0.1",
        port: int = 0,
        on_invocation: Callable[[str], None] | None = None,
        integration_timeout_seconds: float = INTEGRATION_TIMEOUT_SECONDS,
    ) -> None:
        if not _is_loopback(host):
            raise ValueError(f"the local HTTP API listens on loopback only, not on {host!r}")
        self.spec = spec
        self._dispatcher = HttpApiDispatcher(
            spec,
            invoker,
            verifier,
            region=region,
            account_id=account_id,
            on_invocation=on_invocation,
            integration_timeout_seconds=integration_timeout_seconds,
        )
        self._address = (host, port)
        self._serving: ServingThread | None = None

    @property
    def base_url(self) -> str:
        if self._serving is None:
            raise RuntimeError("the HTTP API is not started")
        return self._serving.url

    def start(self) -> None:
        if self._serving is not None:
            raise RuntimeError("the HTTP API is already started")
        self._serving = ServingThread(
            _GatewayServer(self._address, self._dispatcher),
            name=f"http-api-{self.spec.system}.{self.spec.logical_id}",
        )

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
            self._serving = None

    def __enter__(self) -> LocalHttpApi:
        self.start()
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()


class _GatewayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], dispatcher: HttpApiDispatcher) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.dispatcher = dispatcher
        super().__init__(address, _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "strongroom-local-apigw"
    sys_version = ""

    def _serve(self) -> None:
        server = cast(_GatewayServer, self.server)
        try:
            body = self._read_body()
        except _Refused as refused:
            # The rest of the body is unread: the connection cannot carry another request.
            self.close_connection = True
            self._write(refused.response, closing=True)
            return
        request = IncomingRequest(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            source_ip=str(self.client_address[0]),
            protocol=self.request_version,
        )
        self._write(server.dispatcher.handle(request, server_port=server.server_address[1]))

    # BaseHTTPRequestHandler dispatches on do_<METHOD>; every method takes the same path.
    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve  # noqa: N815

    def _read_body(self) -> bytes:
        """The body, at most MAX_PAYLOAD_BYTES; ``_Refused`` 413 over it, 400 if malformed."""
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = _content_length(self.headers.get_all("content-length") or [])
        if length > MAX_PAYLOAD_BYTES:
            raise _Refused(_TOO_LARGE)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_field = self.rfile.readline(_MAX_CHUNK_LINE).split(b";", 1)[0].strip()
            if not size_field or not all(chr(c) in _HEX_DIGITS for c in size_field):
                raise _Refused(_BAD_REQUEST)
            size = int(size_field, 16)
            if size == 0:
                while self.rfile.readline(_MAX_CHUNK_LINE) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_PAYLOAD_BYTES:
                raise _Refused(_TOO_LARGE)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(_MAX_CHUNK_LINE)

    def _write(self, response: GatewayResponse, *, closing: bool = False) -> None:
        self.send_response(response.status)
        if closing:
            self.send_header("connection", "close")
        for name, value in response.headers:
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        for cookie in response.cookies:
            self.send_header("set-cookie", cookie)
        self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silenced: the gateway reports invocations through ``on_invocation``."""


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_MAX_CHUNK_LINE = 1024


def _content_length(values: list[str]) -> int:
    """The one Content-Length the headers give (0 if none); ``_Refused`` 400 when malformed.

    Digits only (no sign, no spaces inside), and several headers only if they agree, as
    RFC 9110 asks of a server that would otherwise misread where the body ends.
    """
    lengths = {value.strip() for value in values}
    if not lengths:
        return 0
    if len(lengths) > 1 or not all(length.isascii() and length.isdigit() for length in lengths):
        raise _Refused(_BAD_REQUEST)
    return int(lengths.pop())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
