"""The front door: a WSGI middleware around moto's application.

``POST /2015-03-31/functions/{FunctionName}/invocations`` (Lambda's Invoke API) runs the function
in the local Lambda runtime; every other request goes to moto unchanged. The runtime exists
only once the templates are provisioned, so it is routed in late with
:meth:`FrontDoor.route_invocations`; until then, and after ``route_invocations(None)``,
invocations answer 503 ``ServiceException`` rather than reach moto, whose own Lambda would try
to run the function in Docker.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any, Protocol
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from strongroom.local.front_door import lambda_answers
from strongroom.local.front_door.event_invocations import DEFAULT_RETRY_DELAYS, EventInvocations
from strongroom.local.front_door.invoke_request import (
    InvocationType,
    InvokeRefused,
    InvokeRequest,
    invoked_function,
    parse_invoke,
)
from strongroom.local.front_door.lambda_answers import Answer
from strongroom.local.front_door.object_lock import request_body
from strongroom.local.specs import FunctionSpec, InvocationResult


class LambdaService(Protocol):
    """What the front door needs of the local Lambda runtime."""

    def function(self, reference: str) -> FunctionSpec:
        """The function ``reference`` names; raises LookupError when there is none."""
        ...

    def invoke(self, function_name: str, event: Any) -> InvocationResult: ...

    def log_path(self, function_name: str) -> Path: ...


class _Invocations:
    """A routed runtime and its queue of Event invocations."""

    def __init__(self, service: LambdaService, events: EventInvocations) -> None:
        self.service = service
        self.events = events


class FrontDoor:
    """Wraps ``app`` (moto's ``DomainDispatcherApplication``); see the module's docstring."""

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app
        self._invocations: _Invocations | None = None
        self._lock = threading.Lock()
        self._log: Callable[[str], None] = print

    def route_invocations(
        self,
        service: LambdaService | None,
        *,
        log: Callable[[str], None] = print,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    ) -> None:
        """Run invocations in ``service`` from now on; None stops (queued Events are dropped)."""
        routed = None
        if service is not None:
            events = EventInvocations(service, log=log, retry_delays=retry_delays)
            routed = _Invocations(service, events)
        with self._lock:
            previous, self._invocations, self._log = self._invocations, routed, log
        if previous is not None:
            previous.events.close()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        function = invoked_function(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
        if function is None:
            return self._app(environ, start_response)
        answer = self._invoke(function, environ)
        start_response(
            f"{answer.status} {HTTPStatus(answer.status).phrase}",
            [*answer.headers, ("Content-Length", str(len(answer.body)))],
        )
        return [answer.body]

    def _invoke(self, function: str, environ: WSGIEnvironment) -> Answer:
        request_id = str(uuid.uuid4())
        invocations = self._invocations
        try:
            request = parse_invoke(
                function,
                query_string=environ.get("QUERY_STRING", ""),
                invocation_type=environ.get("HTTP_X_AMZ_INVOCATION_TYPE"),
                log_type=environ.get("HTTP_X_AMZ_LOG_TYPE"),
                body=request_body(environ),
            )
            if invocations is None:
                raise InvokeRefused(
                    503, "ServiceException", "The local Lambda runtime is not running"
                )
            spec = _existing(invocations.service, request.function)
        except InvokeRefused as refused:
            return lambda_answers.refusal(
                refused.status, refused.error_type, refused.message, request_id
            )
        if request.invocation_type is InvocationType.DRY_RUN:
            return lambda_answers.dry_run(request_id)
        if request.invocation_type is InvocationType.EVENT:
            invocations.events.submit(request.function, request.event, request_id)
            return lambda_answers.accepted(request_id)
        return self._run(invocations.service, spec, request)

    def _run(self, service: LambdaService, spec: FunctionSpec, request: InvokeRequest) -> Answer:
        log_path = service.log_path(spec.name) if request.tail_log else None
        log_start = _size(log_path)
        started = time.perf_counter()
        try:
            result = service.invoke(request.function, request.event)
        except Exception as error:  # the caller gets Lambda's 500, not a traceback
            self._log(f"invoke -> {spec.name} failed in the runtime: {error!r}")
            return lambda_answers.refusal(500, "ServiceException", repr(error), str(uuid.uuid4()))
        elapsed_ms = (time.perf_counter() - started) * 1000
        outcome = "ok" if result.error is None else f"error {result.error.error_type}"
        self._log(f"invoke -> {result.function_name} {outcome} ({elapsed_ms:.0f} ms)")
        return lambda_answers.invoked(result, _appended(log_path, log_start))


def _existing(service: LambdaService, reference: str) -> FunctionSpec:
    try:
        return service.function(reference)
    except LookupError as missing:
        raise InvokeRefused(404, "ResourceNotFoundException", str(missing)) from None


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except FileNotFoundError:
        return 0


def _appended(path: Path | None, start: int) -> bytes | None:
    """What the function logged during the invocation (concurrent invocations of the same
    function share its log, so their lines may be mixed in), at most the last 4 KB."""
    if path is None:
        return None
    try:
        with path.open("rb") as log:
            end = log.seek(0, 2)
            log.seek(min(end, max(start, end - lambda_answers.TAIL_BYTES)))
            return log.read(end - log.tell())
    except FileNotFoundError:
        return b""
