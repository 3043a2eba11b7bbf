"""One HTTP API request in, one HTTP response out: what API Gateway does between the two.

Stage prefix, route selection, the JWT authorizer, the payload 2.0 event, the function
invocation under the integration timeout, and the mapping of its result. No sockets here:
``LocalHttpApi`` feeds this from its HTTP server, the unit tests feed it directly.
"""

from __future__ import annotations

import ipaddress
import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from strongroom.core.timefmt import utc_now
from strongroom.local.gateway.events import (
    IncomingRequest,
    RequestContext,
    build_event,
    merged_headers,
    new_request_id,
)
from strongroom.local.gateway.jwt_authorizer import (
    Forbidden,
    JwtVerifier,
    Unauthorized,
    identity_header,
    token_scopes,
)
from strongroom.local.gateway.responses import (
    GatewayResponse,
    MalformedResponse,
    gateway_message,
    map_function_response,
)
from strongroom.local.gateway.routing import RouteMatch, RouteTable
from strongroom.local.specs import HttpApiSpec, InvocationResult, Invoker

# HTTP API's maximum integration timeout; past it the client gets 503 while the function
# keeps running, exactly as on AWS (a function's own, shorter timeout is a function error: 500).
INTEGRATION_TIMEOUT_SECONDS = 30.0
DEFAULT_STAGE = "$default"

_logger = logging.getLogger(__name__)


class HttpApiDispatcher:
    def __init__(
        self,
        spec: HttpApiSpec,
        invoker: Invoker,
        verifier: JwtVerifier,
        *,
        region: str,
        account_id: str,
        on_invocation: Callable[[str], None] | None = None,
        integration_timeout_seconds: float = INTEGRATION_TIMEOUT_SECONDS,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        _check_authorizers(spec)
        self._spec = spec
        self._routes = RouteTable(spec.routes)
        self._invoker = invoker
        self._verifier = verifier
        self._region = region
        self._account_id = account_id
        self._on_invocation = on_invocation
        self._integration_timeout = integration_timeout_seconds
        self._clock = clock
        self._stage_prefix = "" if spec.stage == DEFAULT_STAGE else f"/{spec.stage}"

    def handle(
        self, request: IncomingRequest, *, server_port: int | None = None
    ) -> GatewayResponse:
        request_id = new_request_id()
        response = self._respond(request, request_id, server_port)
        return GatewayResponse(
            status=response.status,
            headers=(*response.headers, ("apigw-requestid", request_id)),
            body=response.body,
            cookies=response.cookies,
        )

    def _respond(
        self, request: IncomingRequest, request_id: str, server_port: int | None
    ) -> GatewayResponse:
        received_at = self._clock()
        match = self._route(request)
        if match is None:
            return gateway_message(404, "Not Found")
        claims: dict[str, Any] | None = None
        if match.route.authorizer is not None:
            authorizer = self._spec.authorizers[match.route.authorizer]
            headers = merged_headers(request.headers)
            try:
                claims = self._verifier.authorize(headers, authorizer, match.route.scopes)
            except Unauthorized as refusal:
                _logger.info("%s %s: 401 (%s)", request.method, request.raw_path, refusal)
                return gateway_message(401, "Unauthorized", _challenge(refusal))
            except Forbidden as refusal:
                _logger.info("%s %s: 403 (%s)", request.method, request.raw_path, refusal)
                return gateway_message(403, "Forbidden")
        context = RequestContext(
            api_id=self._spec.api_id,
            account_id=self._account_id,
            stage=self._spec.stage,
            route_key=match.route_key,
            request_id=request_id,
            domain_name=self._domain_name(request),
            domain_prefix=self._domain_prefix(request),
            received_at=received_at,
            path_parameters=match.path_parameters,
            jwt_claims=claims,
            jwt_scopes=token_scopes(claims) if claims is not None and match.route.scopes else None,
            server_port=server_port,
        )
        return self._integrate(request, match, build_event(request, context))

    def _route(self, request: IncomingRequest) -> RouteMatch | None:
        path = request.raw_path
        if self._stage_prefix:
            if path != self._stage_prefix and not path.startswith(f"{self._stage_prefix}/"):
                return None
            path = path.removeprefix(self._stage_prefix) or "/"
        return self._routes.match(request.method, path)

    def _integrate(
        self, request: IncomingRequest, match: RouteMatch, event: Mapping[str, Any]
    ) -> GatewayResponse:
        function_name = match.route.function_name
        started = time.perf_counter()
        response = self._invoke_and_map(function_name, event)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if self._on_invocation is not None:
            self._on_invocation(
                f"http {self._spec.system}.{self._spec.logical_id} {request.method}"
                f" {request.raw_path} -> {function_name} {response.status} ({elapsed_ms:.0f} ms)"
            )
        return response

    def _invoke_and_map(self, function_name: str, event: Mapping[str, Any]) -> GatewayResponse:
        try:
            result = self._invoke_within_timeout(function_name, event)
        except Exception:
            _logger.exception("invoking %s failed", function_name)
            return gateway_message(500, "Internal Server Error")
        if result is None:
            _logger.warning(
                "%s did not answer within the %.0f s integration timeout",
                function_name,
                self._integration_timeout,
            )
            return gateway_message(503, "Service Unavailable")
        if result.error is not None:
            _logger.warning(
                "%s failed: %s: %s", function_name, result.error.error_type, result.error.message
            )
            return gateway_message(500, "Internal Server Error")
        try:
            return map_function_response(result.payload)
        except MalformedResponse as error:
            _logger.warning("%s returned a malformed response: %s", function_name, error)
            return gateway_message(500, "Internal Server Error")

    def _invoke_within_timeout(
        self, function_name: str, event: Mapping[str, Any]
    ) -> InvocationResult | None:
        """The result, or None when the integration timeout passes first."""
        outcome: queue.Queue[InvocationResult | Exception] = queue.Queue(maxsize=1)

        def invoke() -> None:
            try:
                outcome.put(self._invoker.invoke(function_name, event))
            except Exception as error:  # handed to the request thread, which logs it
                outcome.put(error)

        # A daemon thread, not a pool: a function still running past the timeout must not
        # hold up shutdown.
        threading.Thread(target=invoke, name=f"apigw-{function_name}", daemon=True).start()
        try:
            result = outcome.get(timeout=self._integration_timeout)
        except queue.Empty:
            return None
        if isinstance(result, Exception):
            raise result
        return result

    def _domain_name(self, request: IncomingRequest) -> str:
        host = merged_headers(request.headers).get("host")
        return host or f"{self._spec.api_id}.execute-api.{self._region}.amazonaws.com"

    def _domain_prefix(self, request: IncomingRequest) -> str:
        hostname = self._domain_name(request).rsplit(":", 1)[0]
        if hostname == "localhost" or _is_ip_address(hostname) or "." not in hostname:
            return self._spec.api_id
        return hostname.split(".", 1)[0]


def _check_authorizers(spec: HttpApiSpec) -> None:
    for route in spec.routes:
        if route.authorizer is None:
            continue
        if route.authorizer not in spec.authorizers:
            raise ValueError(
                f"{spec.system}.{spec.logical_id}: route {route.method} {route.path} names"
                f" authorizer {route.authorizer!r}, which the API does not define"
            )
        identity_header(spec.authorizers[route.authorizer])


def _challenge(refusal: Unauthorized) -> list[tuple[str, str]]:
    if not refusal.token_presented:
        return []
    description = refusal.description.replace('"', "'")
    value = f'Bearer scope="" error="invalid_token" error_description="{description}"'
    return [("www-authenticate", value)]


def _is_ip_address(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        return False
    return True
