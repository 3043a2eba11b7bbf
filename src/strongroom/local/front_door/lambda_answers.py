"""Lambda's Invoke API, the response side: status, headers and body as Lambda shapes them.

Pure: no I/O. Errors use Lambda's REST-JSON shape, which botocore parses: the error code in the
``x-amzn-ErrorType`` header, the message in the body's ``Message``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Final

from strongroom.local.specs import InvocationResult

EXECUTED_VERSION: Final = "$LATEST"
"""Every local function runs its template's code: an alias points at it too."""
TAIL_BYTES: Final = 4096
"""Lambda's ``X-Amz-Log-Result`` holds the last 4 KB of the invocation's log."""
_JSON: Final = "application/json"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def refusal(status: int, error_type: str, message: str, request_id: str) -> Answer:
    """Lambda's error shape: ``Type`` is ``User`` for the caller's mistakes, else ``Service``."""
    body = {"Type": "User" if status < 500 else "Service", "Message": message}
    return Answer(
        status,
        (
            ("Content-Type", _JSON),
            ("x-amzn-RequestId", request_id),
            ("x-amzn-ErrorType", error_type),
        ),
        json.dumps(body).encode(),
    )


def accepted(request_id: str) -> Answer:
    """An Event invocation is queued: 202 with an empty body."""
    return Answer(202, (("x-amzn-RequestId", request_id),))


def dry_run(request_id: str) -> Answer:
    """A DryRun found the function (and, on AWS, the caller's permission): 204."""
    return Answer(204, (("x-amzn-RequestId", request_id),))


def invoked(result: InvocationResult, log_tail: bytes | None = None) -> Answer:
    """A RequestResponse invocation: 200 with the result, or with Lambda's error payload and
    ``X-Amz-Function-Error: Unhandled`` when the function failed."""
    headers = [
        ("Content-Type", _JSON),
        ("x-amzn-RequestId", result.request_id),
        ("X-Amz-Executed-Version", EXECUTED_VERSION),
    ]
    if result.error is None:
        body = json.dumps(result.payload)
    else:
        headers.append(("X-Amz-Function-Error", "Unhandled"))
        body = json.dumps(error_payload(result))
    if log_tail is not None:
        encoded = base64.b64encode(log_tail[-TAIL_BYTES:]).decode()
        headers.append(("X-Amz-Log-Result", encoded))
    return Answer(200, tuple(headers), body.encode())


def error_payload(result: InvocationResult) -> dict[str, object]:
    """What Lambda's Python runtime returns for an unhandled error."""
    assert result.error is not None
    return {
        "errorMessage": result.error.message,
        "errorType": result.error.error_type,
        "requestId": result.request_id,
        "stackTrace": list(result.error.stack_trace),
    }
