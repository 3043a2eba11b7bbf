"""A loopback HTTP/1.1 server for stand-ins: keep-alive, one thread per connection.

Request logic stays outside: the server hands method, target, lower-cased headers and body to
a function and writes the :class:`Reply` back in one send. Sleeping in that function (injected
latency) holds only its own connection's thread.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from strongroom.local.serving import ServingThread
from strongroom.local.standins.replies import Reply

Handler = Callable[[str, str, Mapping[str, str], bytes], Reply]
LOOPBACK = "127.0.0.1"
IDLE_CONNECTION_SECONDS = 60.0  # a keep-alive connection idle this long is closed
_BACKLOG = 1024  # many clients connecting at once (the benchmark opens 64+)
_WRITE_BUFFER = 64 * 1024  # status line, headers and body leave in one send


class StandInHttpServer:
    def __init__(self, handler: Handler, name: str, port: int = 0) -> None:
        self._handler = handler
        self._name = name
        self._port = port
        self._serving: ServingThread | None = None

    @property
    def base_url(self) -> str:
        if self._serving is None:
            raise RuntimeError(f"the {self._name} stand-in is not running")
        return self._serving.url

    def start(self) -> str:
        if self._serving is not None:
            raise RuntimeError(f"the {self._name} stand-in is already running")
        server = _Server((LOOPBACK, self._port), self._handler)
        self._serving = ServingThread(server, name=f"standin-{self._name}")
        return self.base_url

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop(before_join=cast(_Server, self._serving.server).close_connections)
            self._serving = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = _BACKLOG

    def __init__(self, address: tuple[str, int], handler: Handler) -> None:
        self.handler = handler
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End idle keep-alive connections, whose threads would otherwise wait for a request."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "strongroom-standin"
    sys_version = ""
    timeout = IDLE_CONNECTION_SECONDS
    wbufsize = _WRITE_BUFFER
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        server = cast(_Server, self.server)
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            body = self._read_body(headers)
        except ValueError:
            self._write(Reply.json(400, {"error": "invalid_request", "message": "bad body"}))
            return
        self._write(server.handler(self.command, self.path, headers, body))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

    def _read_body(self, headers: Mapping[str, str]) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: requests carry tokens and secrets, and the stats count them instead."""
