"""Error bodies our HTTP APIs share: a 422 that names each field, its rule and what is wrong.

Powertools' default 422 body drops pydantic's messages; its OpenAPI schema (HTTPValidationError)
documents ``loc``, ``msg`` and ``type``, so we send all three. The rejected input is never
echoed back.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError


def field_name(location: Any) -> str:
    """``("body", "file_count")`` -> ``body.file_count``."""
    return ".".join(str(part) for part in location)


def invalid_request(error: RequestValidationError) -> Response[dict[str, Any]]:
    problems = [
        {"loc": list(problem["loc"]), "msg": str(problem.get("msg", "")), "type": problem["type"]}
        for problem in error.errors()
    ]
    summary = "; ".join(
        f"{field_name(problem['loc'])}: {problem['msg']} [{problem['type']}]"
        for problem in problems
    )
    return Response(
        status_code=HTTPStatus.UNPROCESSABLE_ENTITY,
        content_type=content_types.APPLICATION_JSON,
        body={
            "statusCode": HTTPStatus.UNPROCESSABLE_ENTITY,
            "message": f"invalid request: {summary}",
            "detail": problems,
        },
    )


class ApiError(Exception):
    """A refusal an API answers with ``status``: its body is ``message`` plus ``details``.

    Raise a subclass (or this) anywhere below a resolver that called :func:`answer_errors`;
    one handler turns every one into its response, so routes declare no handler per class.
    ``field`` and ``rule`` name what was wrong where a field was: a 422 then has the same
    ``detail`` list as a validation error.
    """

    status: HTTPStatus = HTTPStatus.BAD_REQUEST

    def __init__(
        self,
        message: str,
        *,
        status: HTTPStatus | None = None,
        field: str | None = None,
        rule: str | None = None,
        headers: dict[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.field = field
        self.rule = rule
        self.headers = headers
        self.details = details

    def body(self) -> dict[str, Any]:
        if self.field is not None and self.status == HTTPStatus.UNPROCESSABLE_ENTITY:
            rule = self.rule or "invalid"
            return {
                "statusCode": int(self.status),
                "message": f"invalid request: body.{self.field}: {self.message} [{rule}]",
                "detail": [{"loc": ["body", self.field], "msg": self.message, "type": rule}],
            }
        extra = {"field": self.field} if self.field is not None else {}
        return {"message": self.message, **extra, **self.details}


class MissingScopes(ApiError):
    """403: the token lacks scopes this request needs beyond those its route admits."""

    status = HTTPStatus.FORBIDDEN

    def __init__(self, missing: list[str], why: str) -> None:
        super().__init__(
            f"{why} needs the scope{'s' if len(missing) > 1 else ''} {' and '.join(missing)}, "
            "which the token does not hold",
            missing_scopes=missing,
        )
        self.missing = missing


def granted_scopes(event: Mapping[str, Any]) -> frozenset[str]:
    """The scopes of the JWT the HTTP API's authorizer accepted for ``event`` (payload 2.0).

    API Gateway passes the token's claims as strings under ``requestContext.authorizer.jwt``:
    ``scope`` space separated (OAuth 2.0), ``scp`` a list shown as ``[a b]``; ``scopes`` is the
    list where it fills one in. Their union is granted.
    """
    jwt = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}
    claims = jwt.get("claims") or {}
    granted = {str(scope) for scope in jwt.get("scopes") or ()}
    for claim in ("scope", "scp"):
        value = claims.get(claim)
        if isinstance(value, list):
            granted.update(str(item) for item in value)
        elif isinstance(value, str):
            granted.update(value.strip("[]").replace(",", " ").split())
    return frozenset(granted)


def require_scopes(event: Mapping[str, Any], scopes: Sequence[str], *, why: str) -> None:
    """Refuse with :class:`MissingScopes` (403) unless the token holds every one of ``scopes``."""
    granted = granted_scopes(event)
    missing = [scope for scope in scopes if scope not in granted]
    if missing:
        raise MissingScopes(missing, why)


def api_error_response(error: ApiError) -> Response[dict[str, Any]]:
    return Response(
        status_code=error.status,
        content_type=content_types.APPLICATION_JSON,
        body=error.body(),
        headers=error.headers,
    )


_BOUNDARY = re.compile(r";\s*boundary=", re.IGNORECASE)


def body_problem(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """Why the body of an HTTP API ``event`` cannot be decoded, as a validation error; or None.

    Decodes the body as Powertools' validation does (base64 if so marked; multipart needs a
    boundary; otherwise UTF-8 text, parsed as JSON when the content type is JSON or absent) and
    names the first step that fails. Powertools turns only ``JSONDecodeError`` into a 422; the
    others (not base64, not UTF-8, an integer over Python's digit limit, nesting deeper than the
    parser recurses, multipart without a boundary) escape it as ValueError or RecursionError.
    """
    headers = {
        str(name).lower(): str(value) for name, value in (event.get("headers") or {}).items()
    }
    content_type = headers.get("content-type", "").strip().lower()
    try:
        data = _body_bytes(event)
        if content_type.startswith("multipart/form-data"):
            if not _BOUNDARY.search(content_type):
                raise _Undecodable(
                    "multipart_boundary_missing",
                    "multipart/form-data needs a boundary parameter in Content-Type",
                )
            return None
        text = _utf8(data)
        if not content_type or content_type.startswith("application/json"):
            _json(text)
    except _Undecodable as problem:
        return {"loc": ("body",), "msg": problem.message, "type": problem.rule}
    return None


class _Undecodable(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _body_bytes(event: Mapping[str, Any]) -> bytes:
    raw = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return str(raw).encode("utf-8", "surrogatepass")
    try:
        return base64.b64decode(str(raw).encode())
    except (binascii.Error, ValueError):
        raise _Undecodable(
            "body_not_base64", "body is marked base64-encoded but is not base64"
        ) from None


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Undecodable(
            "body_not_utf8", f"body is not UTF-8 text (byte {error.start} is invalid)"
        ) from None


def _json(text: str) -> None:
    try:
        json.loads(text)
    except RecursionError:
        raise _Undecodable("json_too_deep", "JSON is nested too deeply to parse") from None
    except json.JSONDecodeError as error:
        raise _Undecodable("json_invalid", f"JSON decode error: {error.msg}") from None
    except ValueError:
        digits = sys.get_int_max_str_digits()
        raise _Undecodable(
            "json_number_too_long", f"JSON has an integer of more than {digits} digits"
        ) from None


def undecodable_body(app: Any) -> Any:
    """The exception handler for errors an undecodable body raises: a 422 naming the problem.

    Registered for ValueError (UnicodeDecodeError, binascii.Error and the integer digit limit
    are ValueErrors) and RecursionError; it looks at the request's body again, and when that
    decodes the exception came from elsewhere (a bug): it is raised again, so it stays a 500.
    """

    def handle(error: Exception) -> Response[dict[str, Any]]:
        problem = body_problem(app.current_event.raw_event)
        if problem is None:
            raise error
        return invalid_request(RequestValidationError([problem]))

    return handle


def answer_errors(app: Any) -> None:
    """Register the error handlers every strongroom API shares on a Powertools resolver."""
    app.exception_handler(RequestValidationError)(invalid_request)
    app.exception_handler(ApiError)(api_error_response)
    app.exception_handler([ValueError, RecursionError])(undecodable_body(app))
