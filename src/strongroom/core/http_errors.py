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
