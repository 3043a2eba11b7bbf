"""Error bodies our HTTP APIs share: a 422 that names each field, its rule and what is wrong.

Powertools' default 422 body drops pydantic's messages; its OpenAPI schema (HTTPValidationError)
documents ``loc``, ``msg`` and ``type``, so we send all three. The rejected input is never
echoed back.
"""

from __future__ import annotations

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


def api_error_response(error: ApiError) -> Response[dict[str, Any]]:
    return Response(
        status_code=error.status,
        content_type=content_types.APPLICATION_JSON,
        body=error.body(),
        headers=error.headers,
    )


def answer_errors(app: Any) -> None:
    """Register the two error handlers every strongroom API shares on a Powertools resolver."""
    app.exception_handler(RequestValidationError)(invalid_request)
    app.exception_handler(ApiError)(api_error_response)
