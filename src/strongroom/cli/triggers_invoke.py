"""Invoking trigger_archive's function through Lambda's Invoke API, one day at a time.

Locally the running stack's AWS endpoint answers Invoke and runs the function in the local
runtime; on AWS the real Lambda does. Either way the answer is Lambda's: the function's result,
or ``FunctionError`` with Lambda's error payload when the invocation failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import boto3

from strongroom.cli.common import local_client, running_stack, stack_output
from strongroom.cli.function_invoke import (
    INVOKE_CONFIG,
    FunctionResult,
    invoke_and_wait,
    read_result,
)

SYSTEM = "trigger_archive"
DEFAULT_FUNCTION_NAME = "dex-trigger-response-archive"


@dataclass(frozen=True)
class DayRun:
    """One invocation: what was asked, and what Lambda answered."""

    requested: date | None
    """The event's ``trigger_date``; ``None`` when the function chose today."""
    status_code: int | None
    """The function's ``statusCode``; ``None`` when the invocation failed (FunctionError)."""
    body: Mapping[str, Any]
    """The function's ``body``, or Lambda's error payload (``errorType``, ``errorMessage``)."""
    seconds: float
    """How long the invocation took, as the CLI saw it."""
    function_error: str | None = None
    """Lambda's ``FunctionError`` (``Unhandled``) when the invocation failed."""

    @classmethod
    def of(cls, requested: date | None, result: FunctionResult) -> DayRun:
        return cls(
            requested, result.status_code, result.body, result.seconds, result.function_error
        )

    @property
    def day(self) -> str:
        """The day archived: the function's own ``trigger_date`` when it answered one."""
        answered = self.body.get("trigger_date")
        if isinstance(answered, str):
            return answered
        return self.requested.isoformat() if self.requested is not None else "today"

    @property
    def failed(self) -> bool:
        return self.status_code is None

    @property
    def error_message(self) -> str:
        """Why the invocation failed or was refused ('' when the function answered a result)."""
        if self.status_code is None:
            kind = self.body.get("errorType", "error")
            return f"{kind}: {self.body.get('errorMessage', 'no message')}"
        message = self.body.get("message")
        return str(message) if self.status_code not in (200, 207) and message else ""

    def as_json(self) -> dict[str, Any]:
        """The function's body; for a failed invocation Lambda's error payload and the day."""
        if self.status_code is None:
            return {"trigger_date": self.day, "function_error": self.function_error, **self.body}
        return dict(self.body)


def day_run(
    requested: date | None, payload: bytes, function_error: str | None, seconds: float
) -> DayRun:
    """Lambda's answer to one invocation as a :class:`DayRun`."""
    return DayRun.of(requested, read_result(payload, function_error, seconds))


def invoke_day(
    client: Any,
    function_name: str,
    requested: date | None,
    event: Mapping[str, Any],
    clock: Callable[[], float] = time.monotonic,
) -> DayRun:
    """Invoke (RequestResponse) and wait for the run to finish. Raises botocore's errors when
    Lambda could not be asked at all (unknown function, no endpoint, no permission)."""
    return DayRun.of(requested, invoke_and_wait(client, function_name, event, clock))


def lambda_target(function: str | None, on_aws: bool, state_dir: Path) -> tuple[str, Any]:
    """The function to invoke and a Lambda client for it: ``--function`` (or the default name
    with ``--aws``) on AWS with the standard credential chain, else the running local stack's."""
    if function is not None or on_aws:
        client = boto3.session.Session().client("lambda", config=INVOKE_CONFIG)
        return function or DEFAULT_FUNCTION_NAME, client
    endpoints = running_stack(state_dir)
    client = local_client(endpoints, "lambda", INVOKE_CONFIG)
    return stack_output(endpoints, SYSTEM, "FunctionName"), client
