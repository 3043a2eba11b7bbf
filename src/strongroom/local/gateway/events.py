"""The Lambda event an HTTP API sends with payload format 2.0.

Shape and conventions follow AWS's payload 2.0 reference: lower-cased header names with
repeated headers comma-joined; the ``cookie`` header moved into ``cookies``; repeated query
parameters comma-joined; ``body`` base64-encoded unless the content type is text (measured
on AWS: ``text/*``, ``application/json``, ``application/xml``, ``application/javascript``;
anything else, a missing content type included, is treated as binary); JWT claims passed as
strings, arrays in AWS's ``[a b]`` form.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

_TEXT_MEDIA_TYPES = frozenset({"application/json", "application/xml", "application/javascript"})
_REQUEST_TIME_FORMAT = "%d/%b/%Y:%H:%M:%S +0000"


@dataclass(frozen=True)
class IncomingRequest:
    """An HTTP request as it reached the gateway, before any interpretation."""

    method: str
    target: str  # the request target: raw path plus optional "?query"
    headers: Sequence[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"

    @property
    def raw_path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def raw_query_string(self) -> str:
        return self.target.partition("?")[2]


@dataclass(frozen=True)
class RequestContext:
    """What the gateway decided about a request before invoking the function."""

    api_id: str
    account_id: str
    stage: str
    route_key: str
    request_id: str
    domain_name: str
    domain_prefix: str
    received_at: datetime
    path_parameters: Mapping[str, str]
    jwt_claims: Mapping[str, Any] | None = None
    jwt_scopes: Sequence[str] | None = None
    server_port: int | None = None


def new_request_id() -> str:
    """An id shaped like HTTP API's (16 base64 characters), also sent as ``apigw-requestid``."""
    return base64.b64encode(secrets.token_bytes(11)).decode()


def merged_headers(headers: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Lower-cased names, repeated headers joined with commas, as payload 2.0 has them."""
    return _comma_joined((name.lower(), value) for name, value in headers)


def _comma_joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined


def build_event(request: IncomingRequest, context: RequestContext) -> dict[str, Any]:
    headers = merged_headers([*request.headers, *_forwarding_headers(request, context)])
    headers.pop("cookie", None)
    cookies = [
        cookie.strip()
        for name, value in request.headers
        if name.lower() == "cookie"
        for cookie in value.split(";")
        if cookie.strip()
    ]
    received_at = context.received_at
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": context.route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query_string,
        "headers": headers,
        "requestContext": {
            "accountId": context.account_id,
            "apiId": context.api_id,
            "domainName": context.domain_name,
            "domainPrefix": context.domain_prefix,
            "http": {
                "method": request.method.upper(),
                "path": request.raw_path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": context.request_id,
            "routeKey": context.route_key,
            "stage": context.stage,
            "time": received_at.strftime(_REQUEST_TIME_FORMAT),
            "timeEpoch": int(received_at.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    query = _comma_joined(parse_qsl(request.raw_query_string, keep_blank_values=True))
    if query:
        event["queryStringParameters"] = query
    if context.path_parameters:
        event["pathParameters"] = dict(context.path_parameters)
    if context.jwt_claims is not None:
        event["requestContext"]["authorizer"] = {
            "jwt": {
                "claims": {name: _claim_text(value) for name, value in context.jwt_claims.items()},
                "scopes": list(context.jwt_scopes) if context.jwt_scopes is not None else None,
            }
        }
    if request.body:
        event["body"], event["isBase64Encoded"] = _encoded_body(
            request.body, headers.get("content-type")
        )
    return event


def _forwarding_headers(request: IncomingRequest, context: RequestContext) -> list[tuple[str, str]]:
    """The headers API Gateway adds on the way in (``x-forwarded-for`` is appended to)."""
    present = {name.lower() for name, _ in request.headers}
    added = [("x-forwarded-for", request.source_ip)]
    if "x-forwarded-proto" not in present:
        added.append(("x-forwarded-proto", "http"))
    if "x-forwarded-port" not in present and context.server_port is not None:
        added.append(("x-forwarded-port", str(context.server_port)))
    if "x-amzn-trace-id" not in present:
        seconds = int(context.received_at.timestamp())
        added.append(("x-amzn-trace-id", f"Root=1-{seconds:08x}-{secrets.token_hex(12)}"))
    return added


def _encoded_body(body: bytes, content_type: str | None) -> tuple[str, bool]:
    if content_type is not None and _is_text(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass  # declared text but not UTF-8: pass it on intact, as binary
    return base64.b64encode(body).decode("ascii"), True


def _is_text(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith("text/") or media_type in _TEXT_MEDIA_TYPES


def _claim_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_claim_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
