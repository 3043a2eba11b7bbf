"""Injected errors in each service's own shape, so the SDK parses the error code AWS would send.

- JSON protocols (DynamoDB, SQS, Secrets Manager...): ``__type`` in the body and
  ``x-amzn-ErrorType``; SQS (query-compatible) also ``x-amzn-query-error``.
- REST-JSON (Lambda, Batch, Scheduler...): ``x-amzn-ErrorType`` and ``{"message"}``.
- REST-XML (S3): ``<Error><Code>``; throttling is ``SlowDown`` 503.
- query (SNS, STS, IAM, CloudWatch): ``<ErrorResponse><Error><Type><Code>``.

Every throttling and 5xx code here is one botocore's standard retry mode retries; ``denied``
(access denied, as a revoked permission or a disabled key answers) is one no SDK retries, so it
reaches the system's own recovery paths at once. Pure: no I/O.
"""

from __future__ import annotations

import json
from typing import Final
from xml.sax.saxutils import escape

from strongroom.local.front_door.aws_request import Protocol
from strongroom.local.front_door.fault_rules import FaultError
from strongroom.local.front_door.lambda_answers import Answer

_JSON_PREFIX: Final = {"dynamodb": "com.amazonaws.dynamodb.v20120810", "sqs": "com.amazonaws.sqs"}
_THROTTLE: Final[dict[str, tuple[int, str]]] = {
    "dynamodb": (400, "ProvisionedThroughputExceededException"),
    "sqs": (400, "RequestThrottled"),
    "s3": (503, "SlowDown"),
    "sns": (400, "Throttling"),
    "lambda": (429, "TooManyRequestsException"),
}
_SERVER: Final[dict[str, tuple[int, str]]] = {
    "dynamodb": (500, "InternalServerError"),
    "sqs": (500, "InternalError"),
    "s3": (500, "InternalError"),
    "sns": (500, "InternalError"),
    "lambda": (500, "ServiceException"),
}
_DENIED: Final[dict[str, tuple[int, str]]] = {
    "dynamodb": (400, "AccessDeniedException"),
    "sqs": (403, "AccessDenied"),
    "sns": (403, "AuthorizationError"),
}
_DEFAULT: Final[dict[Protocol, dict[FaultError, tuple[int, str]]]] = {
    Protocol.JSON: {
        FaultError.THROTTLE: (400, "ThrottlingException"),
        FaultError.SERVER: (500, "InternalFailure"),
        FaultError.DENIED: (400, "AccessDeniedException"),
    },
    Protocol.REST_JSON: {
        FaultError.THROTTLE: (429, "TooManyRequestsException"),
        FaultError.SERVER: (500, "InternalFailure"),
        FaultError.DENIED: (403, "AccessDeniedException"),
    },
    Protocol.REST_XML: {
        FaultError.THROTTLE: (503, "SlowDown"),
        FaultError.SERVER: (500, "InternalError"),
        FaultError.DENIED: (403, "AccessDenied"),
    },
    Protocol.QUERY: {
        FaultError.THROTTLE: (400, "Throttling"),
        FaultError.SERVER: (500, "InternalFailure"),
        FaultError.DENIED: (403, "AccessDenied"),
    },
}
_BY_SERVICE: Final = {
    FaultError.THROTTLE: _THROTTLE,
    FaultError.SERVER: _SERVER,
    FaultError.DENIED: _DENIED,
}


def status_and_code(service: str, protocol: Protocol, error: FaultError) -> tuple[int, str]:
    return _BY_SERVICE[error].get(service) or _DEFAULT[protocol][error]


def fault_answer(service: str, protocol: Protocol, error: FaultError, request_id: str) -> Answer:
    status, code = status_and_code(service, protocol, error)
    message = f"injected by the local stack's fault mode ({error.value})"
    headers: list[tuple[str, str]] = [
        ("x-amzn-RequestId", request_id),
        ("x-amz-request-id", request_id),
    ]
    if protocol in (Protocol.JSON, Protocol.REST_JSON):
        prefix = _JSON_PREFIX.get(service)
        body: dict[str, str] = {
            "__type": f"{prefix}#{code}" if prefix else code,
            "message": message,
        }
        headers += [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-ErrorType", code)]
        if service == "sqs":
            side = "Receiver" if status >= 500 else "Sender"
            headers.append(("x-amzn-query-error", f"{code};{side}"))
        return Answer(status, tuple(headers), json.dumps(body).encode())
    headers.append(("Content-Type", "text/xml"))
    if protocol is Protocol.REST_XML:
        xml = (
            f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code>"
            f"<Message>{escape(message)}</Message><RequestId>{request_id}</RequestId></Error>"
        )
        return Answer(status, tuple(headers), xml.encode())
    side = "Receiver" if status >= 500 else "Sender"
    xml = (
        f"<ErrorResponse><Error><Type>{side}</Type><Code>{code}</Code>"
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return Answer(status, tuple(headers), xml.encode())
