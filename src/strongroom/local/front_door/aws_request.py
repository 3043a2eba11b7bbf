"""Which AWS service and operation a request to the stack's endpoint calls, and who signed it.

The service is the SigV4 credential scope's (``Credential=KEY/DATE/REGION/SERVICE/aws4_request``,
in the Authorization header or a presigned URL's ``X-Amz-Credential``). The operation comes from
the request as each protocol carries it: ``X-Amz-Target`` (JSON protocols: DynamoDB, SQS,
Secrets Manager...), ``Action=`` (query protocols: SNS, STS, IAM...), or method, path, query and
headers matched against botocore's model of the service (REST protocols: S3, Lambda, Batch...).
No I/O beyond reading botocore's bundled models once per service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Final
from urllib.parse import parse_qs

UNKNOWN: Final = "?"
_CREDENTIAL: Final = re.compile(r"Credential=([^/,\s]+)/[^/]+/[^/]+/([^/]+)/aws4_request")
_ATTEMPT: Final = re.compile(r"attempt=(\d+)")


class Protocol(StrEnum):
    JSON = "json"
    QUERY = "query"
    REST_XML = "rest-xml"
    REST_JSON = "rest-json"


@dataclass(frozen=True)
class AwsCall:
    service: str
    """The credential scope's service (its signing name: ``dynamodb``, ``s3``, ``sqs``...)."""
    operation: str
    """The API operation (``PutItem``), or ``?`` when the request does not say."""
    protocol: Protocol
    access_key: str
    """The access key id that signed the request, ``""`` when unsigned."""
    attempt: int
    """botocore's attempt number from ``amz-sdk-request`` (1 when absent): above 1, a retry."""


def signer(authorization: str, query_string: str) -> tuple[str, str]:
    """The access key and service of a SigV4 signature (header or presigned URL), or blanks."""
    match = _CREDENTIAL.search(authorization)
    if match is None and "X-Amz-Credential" in query_string:
        credential = parse_qs(query_string).get("X-Amz-Credential", [""])[-1]
        match = _CREDENTIAL.search(f"Credential={credential}")
    return (match[1], match[2]) if match else ("", "")


def classify(
    method: str,
    path: str,
    query_string: str,
    headers: Mapping[str, str],
    form: Mapping[str, str] | None = None,
) -> AwsCall:
    """``headers`` with lower-case names; ``form``: a urlencoded POST body's fields, if any."""
    access_key, service = signer(headers.get("authorization", ""), query_string)
    attempt_match = _ATTEMPT.search(headers.get("amz-sdk-request", ""))
    attempt = int(attempt_match[1]) if attempt_match else 1
    target = headers.get("x-amz-target")
    if target:
        operation = target.rpartition(".")[2] or UNKNOWN
        return AwsCall(service, operation, Protocol.JSON, access_key, attempt)
    action = (form or {}).get("Action") or _query(query_string).get("Action")
    if action:
        return AwsCall(service, action, Protocol.QUERY, access_key, attempt)
    protocol = Protocol.REST_XML if service == "s3" else Protocol.REST_JSON
    operation = rest_operation(service, method, path, query_string, headers)
    return AwsCall(service, operation, protocol, access_key, attempt)


def rest_operation(
    service: str, method: str, path: str, query_string: str, headers: Mapping[str, str]
) -> str:
    """The operation of ``service``'s model whose HTTP binding fits the request best."""
    segments = [segment for segment in path.split("/") if segment]
    query = _query(query_string)
    best, best_score = UNKNOWN, -1
    for binding in _bindings(service).get(method, ()):
        score = binding.score(segments, query, headers)
        if score > best_score:
            best, best_score = binding.operation, score
    return best


@dataclass(frozen=True)
class _Binding:
    operation: str
    method: str
    segments: tuple[str, ...]
    literal_query: tuple[tuple[str, str | None], ...]
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]

    def score(
        self, segments: list[str], query: Mapping[str, str], headers: Mapping[str, str]
    ) -> int:
        """How specifically a request with this binding's method fits (-1: it does not)."""
        if not _path_fits(self.segments, segments):
            return -1
        for name, value in self.literal_query:
            if name not in query or (value is not None and query[name] != value):
                return -1
        if any(name not in query for name in self.required_query):
            return -1
        if any(name not in headers for name in self.required_headers):
            return -1
        literal_segments = sum(1 for segment in self.segments if not segment.startswith("{"))
        return (
            len(self.literal_query)
            + len(self.required_query)
            + len(self.required_headers)
            + literal_segments
        )


def _path_fits(template: tuple[str, ...], segments: list[str]) -> bool:
    for index, part in enumerate(template):
        if part.endswith("+}"):  # greedy: the rest of the path, at least one segment
            return len(segments) > index
        if index >= len(segments):
            return False
        if not part.startswith("{") and part != segments[index]:
            return False
    return len(segments) == len(template)


@cache
def _bindings(service: str) -> dict[str, tuple[_Binding, ...]]:
    """The service's operations' HTTP bindings by method (none for an unknown service)."""
    by_method: dict[str, list[_Binding]] = {}
    for binding in _model_bindings(service):
        by_method.setdefault(binding.method, []).append(binding)
    return {method: tuple(bindings) for method, bindings in by_method.items()}


def _model_bindings(service: str) -> tuple[_Binding, ...]:
    import botocore.session  # noqa: PLC0415 - only REST calls under a fault rule need it
    from botocore.exceptions import UnknownServiceError  # noqa: PLC0415

    try:
        model = botocore.session.get_session().get_service_model(service)
    except UnknownServiceError:
        return ()
    bindings = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        http = operation.http
        uri_path, _, uri_query = str(http.get("requestUri", "/")).partition("?")
        literal_query = tuple(
            (key, value or None)
            for key, _, value in (part.partition("=") for part in uri_query.split("&") if part)
        )
        required_query: list[str] = []
        required_headers: list[str] = []
        shape = operation.input_shape
        if shape is not None:
            for member_name in shape.required_members:
                member = shape.members[member_name]
                location = member.serialization.get("location")
                wire_name = member.serialization.get("name", member_name)
                if location == "querystring":
                    required_query.append(wire_name)
                elif location == "header":
                    required_headers.append(wire_name.lower())
        bindings.append(
            _Binding(
                operation=name,
                method=str(http.get("method", "POST")),
                segments=tuple(segment for segment in uri_path.split("/") if segment),
                literal_query=literal_query,
                required_query=tuple(required_query),
                required_headers=tuple(required_headers),
            )
        )
    return tuple(bindings)


def _query(query_string: str) -> dict[str, str]:
    return {
        name: values[-1] for name, values in parse_qs(query_string, keep_blank_values=True).items()
    }
