"""Fault mode: a WSGI middleware in front of the front door that answers chosen AWS calls from
functions and jobs with throttling or 5xx errors, or delays them.

Only requests a workload signed are considered: the stack hands each function and Batch job
definition its own access key (``workload_keys``, naming the workload, its *principal*) and
keeps another for its own provisioning, seeding, event-source polling and control traffic, which
is never faulted. Credentials that STS issues to a workload (AssumeRole, e.g. deep_archive's
packer reading sources as a scoped role) are that workload's too: the front door learns their
access keys from STS's answers. With no rules (the default) a request costs one attribute read
and a substring test.
"""

from __future__ import annotations

import io
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from strongroom.local.front_door.aws_request import AwsCall, classify, signer
from strongroom.local.front_door.fault_answers import fault_answer
from strongroom.local.front_door.fault_plan import FaultPlan
from strongroom.local.front_door.fault_rules import FaultConfig
from strongroom.local.front_door.workload_keys import principal_of

_FORM = "application/x-www-form-urlencoded"
_STS_SCOPE = "/sts/aws4_request"
_ISSUED_KEY = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")


class FaultMode:
    def __init__(self, app: WSGIApplication, *, log: Callable[[str], None] = print) -> None:
        self._app = app
        self._issued: dict[str, str] = {}
        """Access keys STS issued to a workload, and the workload's principal."""
        self._issued_lock = threading.Lock()
        self._plan: FaultPlan | None = None
        self._log = log

    def configure(self, config: FaultConfig | None) -> None:
        """Put ``config`` in force with fresh counters (None or no rules: fault nothing)."""
        self._plan = FaultPlan(config) if config is not None and config.rules else None
        rules = len(config.rules) if config is not None else 0
        self._log(f"fault mode: {rules} rule(s)" if rules else "fault mode: off")

    def status(self) -> dict[str, Any]:
        plan = self._plan
        return plan.status() if plan is not None else {"seed": None, "rules": []}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        plan = self._plan
        authorization = str(environ.get("HTTP_AUTHORIZATION", ""))
        issuing = _STS_SCOPE in authorization
        if plan is None and not issuing:
            return self._app(environ, start_response)
        access_key, _ = signer(authorization, _query(environ))
        principal = self._principal(access_key)
        if principal is None:
            return self._app(environ, start_response)
        if plan is None:
            return self._learning_keys(principal, environ, start_response)
        call = _call(environ)
        decision = plan.decide(call.service, call.operation, call.attempt, principal)
        if decision.delay_ms:
            time.sleep(decision.delay_ms / 1000)
        if decision.error is None:
            if issuing:
                return self._learning_keys(principal, environ, start_response)
            return self._app(environ, start_response)
        if decision.after:  # the call takes effect; its answer is lost
            answered = self._app(environ, lambda *_args, **_kwargs: lambda _data: None)
            for _ in answered:
                pass
            close = getattr(answered, "close", None)
            if close is not None:
                close()
        answer = fault_answer(call.service, call.protocol, decision.error, str(uuid.uuid4()))
        start_response(
            f"{answer.status} {HTTPStatus(answer.status).phrase}",
            [*answer.headers, ("Content-Length", str(len(answer.body)))],
        )
        return [answer.body]

    def _principal(self, access_key: str) -> str | None:
        principal = principal_of(access_key)
        return principal if principal is not None else self._issued.get(access_key)

    def _learning_keys(
        self, principal: str, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Pass an STS call on; access keys in its answer are ``principal``'s from now on."""
        answered = self._app(environ, start_response)
        try:
            body = b"".join(answered)
        finally:
            close = getattr(answered, "close", None)
            if close is not None:
                close()
        issued = {key.decode() for key in _ISSUED_KEY.findall(body)} - self._issued.keys()
        if issued:
            with self._issued_lock:
                self._issued = {**self._issued, **dict.fromkeys(issued, principal)}
        return [body]


def _query(environ: WSGIEnvironment) -> str:
    return str(environ.get("QUERY_STRING", ""))


def _call(environ: WSGIEnvironment) -> AwsCall:
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    method = str(environ.get("REQUEST_METHOD", ""))
    form = None
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if method == "POST" and content_type.startswith(_FORM) and "x-amz-target" not in headers:
        form = _read_form(environ)
    return classify(method, str(environ.get("PATH_INFO", "")), _query(environ), headers, form)


def _read_form(environ: WSGIEnvironment) -> dict[str, str]:
    """A query-protocol body's fields; the body is put back for the application."""
    length = str(environ.get("CONTENT_LENGTH") or "")
    body = environ["wsgi.input"].read(int(length)) if length.isdigit() else b""
    environ["wsgi.input"] = io.BytesIO(body)
    fields = parse_qs(body.decode("utf-8", "replace"))
    return {name: values[-1] for name, values in fields.items()}
