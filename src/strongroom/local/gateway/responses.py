"""From a function's result to the HTTP response, by payload format 2.0's rules.

A dict with ``statusCode`` is a structured response (``headers``, ``cookies``, ``body``,
``isBase64Encoded``); anything else that is valid JSON is the body of a 200 with
``content-type: application/json`` (AWS's inference rule). A structured response that
breaks the format makes HTTP API answer 500, like a function error does.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_JSON = "application/json"


class MalformedResponse(ValueError):
    """The function answered something payload 2.0 cannot turn into an HTTP response."""


@dataclass(frozen=True)
class GatewayResponse:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    cookies: tuple[str, ...] = field(default=())

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def gateway_message(
    status: int, message: str, headers: Sequence[tuple[str, str]] = ()
) -> GatewayResponse:
    """A response the gateway itself produces: ``{"message": ...}`` as AWS writes it."""
    body = json.dumps({"message": message}, separators=(",", ":")).encode()
    return GatewayResponse(status, (("content-type", _JSON), *headers), body)


def map_function_response(payload: Any) -> GatewayResponse:
    if isinstance(payload, dict) and "statusCode" in payload:
        return _structured(payload)
    try:
        body = json.dumps(payload)
    except (TypeError, ValueError) as error:
        raise MalformedResponse(f"the function's result is not JSON: {error}") from error
    return GatewayResponse(200, (("content-type", _JSON),), body.encode())


def _structured(payload: Mapping[str, Any]) -> GatewayResponse:
    status = payload["statusCode"]
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode must be an integer HTTP status, got {status!r}")
    return GatewayResponse(
        status=status,
        headers=_headers(payload.get("headers")),
        body=_body(payload.get("body"), payload.get("isBase64Encoded", False)),
        cookies=_cookies(payload.get("cookies")),
    )


def _headers(headers: Any) -> tuple[tuple[str, str], ...]:
    if headers is None:
        return ()
    if not isinstance(headers, dict):
        raise MalformedResponse(f"headers must be an object, got {type(headers).__name__}")
    return tuple((str(name), _header_value(name, value)) for name, value in headers.items())


def _header_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedResponse(f"header {name!r} must be a string or a number, got {value!r}")


def _cookies(cookies: Any) -> tuple[str, ...]:
    if cookies is None:
        return ()
    if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
        raise MalformedResponse("cookies must be a list of strings")
    return tuple(cookies)


def _body(body: Any, is_base64: Any) -> bytes:
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse(f"body must be a string, got {type(body).__name__}")
    if is_base64 is not True:
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error as error:
        raise MalformedResponse(f"isBase64Encoded is true, body is not base64: {error}") from error
