"""Lambda's Invoke API, the request side: which requests are invocations, and what they ask.

Pure: no I/O. A refused request raises :class:`InvokeRefused` carrying Lambda's status, error
type and message, which :mod:`strongroom.local.front_door.lambda_answers` shapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final
from urllib.parse import parse_qs, unquote

INVOKE_PATH: Final = re.compile(r"^/2015-03-31/functions/(?P<function>[^/]+)/invocations/?$")
SYNC_PAYLOAD_LIMIT: Final = 6 * 1024 * 1024
"""Lambda's limit for a RequestResponse payload (6 MB)."""
ASYNC_PAYLOAD_LIMIT: Final = 256 * 1024
"""Lambda's limit for an Event payload (256 KB)."""


class InvocationType(StrEnum):
    REQUEST_RESPONSE = "RequestResponse"
    EVENT = "Event"
    DRY_RUN = "DryRun"


class InvokeRefused(Exception):
    """Lambda refuses the request before running anything."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


@dataclass(frozen=True)
class InvokeRequest:
    function: str
    """What the runtime looks up: ``name``, ``name:qualifier`` or an ARN, qualifier included."""
    invocation_type: InvocationType
    event: Any
    """The payload as JSON; an empty payload is ``{}``, as Lambda gives the handler."""
    tail_log: bool


def invoked_function(method: str, path: str) -> str | None:
    """The FunctionName of an Invoke call (percent-decoded), or None for any other request."""
    if method != "POST":
        return None
    match = INVOKE_PATH.match(path)
    return unquote(match["function"]) if match else None


def parse_invoke(
    function_name: str,
    *,
    query_string: str,
    invocation_type: str | None,
    log_type: str | None,
    body: bytes,
) -> InvokeRequest:
    """An Invoke call's request from its path's FunctionName, query string, headers and body."""
    kind = _invocation_type(invocation_type)
    limit = ASYNC_PAYLOAD_LIMIT if kind is InvocationType.EVENT else SYNC_PAYLOAD_LIMIT
    if len(body) > limit:
        raise InvokeRefused(
            413,
            "RequestTooLargeException",
            f"Request must be smaller than {limit} bytes for the InvokeFunction operation",
        )
    if log_type not in (None, "", "None", "Tail"):
        raise InvokeRefused(
            400, "InvalidParameterValueException", f"Unsupported log type: {log_type}"
        )
    return InvokeRequest(
        function=_qualified(function_name, _query(query_string).get("Qualifier")),
        invocation_type=kind,
        event=_event(body),
        tail_log=log_type == "Tail",
    )


def _invocation_type(header: str | None) -> InvocationType:
    try:
        return InvocationType(header or InvocationType.REQUEST_RESPONSE)
    except ValueError:
        raise InvokeRefused(
            400,
            "InvalidParameterValueException",
            f"Unsupported invocation type: {header} "
            f"(one of {', '.join(kind.value for kind in InvocationType)})",
        ) from None


def _query(query_string: str) -> Mapping[str, str]:
    return {name: values[-1] for name, values in parse_qs(query_string).items()}


def _qualified(function_name: str, qualifier: str | None) -> str:
    """The function reference with the query's qualifier, which must agree with the name's."""
    if not function_name:
        raise InvokeRefused(400, "InvalidParameterValueException", "FunctionName is required")
    function_name = _without_account(function_name)
    if qualifier is None:
        return function_name
    derived = _derived_qualifier(function_name)
    if derived is None:
        return f"{function_name}:{qualifier}"
    if derived != qualifier:
        raise InvokeRefused(
            400,
            "InvalidParameterValueException",
            "The derived qualifier from the function name does not match the specified qualifier.",
        )
    return function_name


def _without_account(function_name: str) -> str:
    """A partial ARN (``123456789012:function:NAME[:QUALIFIER]``) as ``NAME[:QUALIFIER]``."""
    parts = function_name.split(":")
    if not function_name.startswith("arn:") and len(parts) in (3, 4) and parts[1] == "function":
        return ":".join(parts[2:])
    return function_name


def _derived_qualifier(function_name: str) -> str | None:
    parts = function_name.split(":")
    index = 7 if function_name.startswith("arn:") else 1
    return parts[index] if len(parts) > index else None


def _event(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise InvokeRefused(
            400,
            "InvalidRequestContentException",
            f"Could not parse request body into json: {error}",
        ) from None
