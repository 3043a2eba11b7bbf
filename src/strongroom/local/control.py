"""A small loopback HTTP endpoint to talk to a running stack.

It serves the local issuer's discovery documents (the issuer is this URL), lets the CLI list
and fire schedules, and shows what SNS topics delivered. Every request needs the control secret
from endpoints.json (``X-Strongroom-Control``), except the issuer's two public discovery
documents, which a JWT verifier fetches without credentials; and every request, those included,
must name a loopback Host, so a web page whose DNS name was rebound to 127.0.0.1 is refused.
"""

from __future__ import annotations

import hmac
import json
import secrets
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from strongroom.core.localdev import LOCAL_ACCOUNT_ID
from strongroom.local import fault_control
from strongroom.local.loopback import is_loopback_host_header
from strongroom.local.notifications import UnknownTopic, sns_deliveries
from strongroom.local.serving import ServingThread

if TYPE_CHECKING:
    from strongroom.local.stack import LocalStack

LOOPBACK = "127.0.0.1"
SECRET_HEADER = "X-Strongroom-Control"  # noqa: S105 - a header name, not a secret
PUBLIC_PATHS = frozenset({"/.well-known/openid-configuration", "/.well-known/jwks.json"})
MAX_BODY_BYTES = 1024 * 1024  # fault rules and notification tests are small JSON documents
"""The issuer's discovery documents: public keys, served without the secret."""


class ControlServer:
    def __init__(self, stack: LocalStack) -> None:
        self._stack = stack
        self.secret = secrets.token_urlsafe(24)
        self._serving: ServingThread | None = None

    @property
    def url(self) -> str:
        if self._serving is None:
            raise RuntimeError("the control server is not running")
        return self._serving.url

    def start(self) -> str:
        server = ThreadingHTTPServer((LOOPBACK, 0), self._handler_class())
        server.daemon_threads = True
        self._serving = ServingThread(server, name="control")
        return self.url

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
            self._serving = None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return type("ControlHandler", (_ControlHandler,), {"control": self})

    def get(self, path: str) -> tuple[HTTPStatus, Any]:
        route = urlsplit(path)
        if route.path == "/notifications":
            return self._notifications(route.query)
        if route.path == fault_control.PATH:
            return fault_control.show(self._stack.emulator.faults)
        return self._get_fixed(path)

    def _get_fixed(self, path: str) -> tuple[HTTPStatus, Any]:
        stack = self._stack
        if path == "/health":
            return HTTPStatus.OK, {"status": "ok"}
        if path == "/.well-known/openid-configuration" and stack.issuer is not None:
            return HTTPStatus.OK, {
                "issuer": stack.issuer.issuer,
                "jwks_uri": f"{self.url}/.well-known/jwks.json",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        if path == "/.well-known/jwks.json" and stack.issuer is not None:
            return HTTPStatus.OK, stack.issuer.jwks()
        if path == "/schedules" and stack.scheduler is not None:
            return HTTPStatus.OK, [_schedule_row(status) for status in stack.scheduler.schedules()]
        if path == "/resources":
            return HTTPStatus.OK, [
                {
                    "system": resource.system,
                    "logical_id": resource.logical_id,
                    "type": resource.resource_type,
                    "physical_id": resource.physical_id,
                }
                for provisioned in stack.stacks
                for resource in provisioned.resources.values()
            ]
        return HTTPStatus.NOT_FOUND, {"message": f"no such control path {path}"}

    def _notifications(self, query: str) -> tuple[HTTPStatus, Any]:
        """``GET /notifications[?topic=<arn>]``: SNS deliveries, in publish order per topic."""
        topic = parse_qs(query).get("topic", [None])[0]
        try:
            deliveries = sns_deliveries(LOCAL_ACCOUNT_ID, self._stack.options.region, topic)
        except UnknownTopic as error:
            return HTTPStatus.NOT_FOUND, {"message": str(error)}
        return HTTPStatus.OK, [delivery.as_dict() for delivery in deliveries]

    def post(self, path: str, body: bytes = b"") -> tuple[HTTPStatus, Any]:
        prefix, suffix = "/schedules/", "/run"
        stack = self._stack
        if path == fault_control.PATH:
            return fault_control.configure(stack.emulator.faults, body)
        if path.startswith(prefix) and path.endswith(suffix) and stack.scheduler is not None:
            name = unquote(path[len(prefix) : -len(suffix)])
            try:
                result = stack.scheduler.run_now(name)
            except KeyError as error:
                return HTTPStatus.NOT_FOUND, {"message": str(error)}
            return HTTPStatus.OK, {
                "function": result.function_name,
                "request_id": result.request_id,
                "ok": result.ok,
                "error": None if result.error is None else result.error.message,
                "payload": result.payload,
            }
        return HTTPStatus.NOT_FOUND, {"message": f"no such control path {path}"}

    def delete(self, path: str) -> tuple[HTTPStatus, Any]:
        if path == fault_control.PATH:
            return fault_control.clear(self._stack.emulator.faults)
        return HTTPStatus.NOT_FOUND, {"message": f"no such control path {path}"}


def _schedule_row(status: Any) -> dict[str, Any]:
    return {
        "name": status.name,
        "expression": status.expression,
        "timezone": status.timezone,
        "function": status.function_name,
        "enabled": status.enabled,
        "next_fire": status.next_fire,
        "last_fired": status.last_fired,
    }


def _refusal(
    headers: Any, control: ControlServer, *, public: bool
) -> tuple[HTTPStatus, Any] | None:
    host = headers.get("Host")
    if not is_loopback_host_header(host):
        message = f"Host {host!r} is not loopback; use {control.url}"
        return HTTPStatus.FORBIDDEN, {"message": message}
    if not public and not hmac.compare_digest(headers.get(SECRET_HEADER, ""), control.secret):
        return HTTPStatus.UNAUTHORIZED, {"message": f"missing or wrong {SECRET_HEADER}"}
    return None


def _body_length_problem(length: str) -> tuple[HTTPStatus, Any] | None:
    """400 for a Content-Length that is not a number, 413 past the control API's small limit."""
    if not length.isdigit():
        return HTTPStatus.BAD_REQUEST, {"message": "Content-Length must be a number of bytes"}
    if int(length) > MAX_BODY_BYTES:
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {
            "message": f"control requests carry at most {MAX_BODY_BYTES} bytes"
        }
    return None


class _ControlHandler(BaseHTTPRequestHandler):
    control: ControlServer  # set per server by ControlServer._handler_class

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the stack logs invocations, not control requests."""

    def do_GET(self) -> None:
        if self._allowed(public=urlsplit(self.path).path in PUBLIC_PATHS):
            self._reply(*self.control.get(self.path))

    def do_POST(self) -> None:
        if not self._allowed(public=False):
            return
        length = self.headers.get("Content-Length", "0")
        problem = _body_length_problem(length)
        if problem is not None:
            self._reply(*problem)
            return
        self._reply(*self.control.post(self.path, self.rfile.read(int(length))))

    def do_DELETE(self) -> None:
        if self._allowed(public=False):
            self._reply(*self.control.delete(self.path))

    def _allowed(self, *, public: bool) -> bool:
        """Refuse (and answer) a non-loopback Host, or a missing or wrong secret."""
        refusal = _refusal(self.headers, self.control, public=public)
        if refusal is not None:
            self._reply(*refusal)
        return refusal is None

    def _reply(self, status: HTTPStatus, body: Any) -> None:
        data = json.dumps(body, default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
