"""Response pieces every deep_archive route shares: timestamps, error bodies, OpenAPI helpers.

An error body is what an ApiError answers with; its model here documents it in OpenAPI.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

from strongroom.core.timefmt import iso_millis

Timestamp = Annotated[
    datetime,
    PlainSerializer(iso_millis, return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "examples": ["2026-11-10T03:00:00.000Z"]}
    ),
]


class Problem(BaseModel):
    """An error body: what went wrong, in a sentence."""

    model_config = ConfigDict(frozen=True)

    message: str


class MismatchDetail(BaseModel):
    loc: list[str | int]
    type: str
    msg: str


class MismatchProblem(BaseModel):
    """Every 422 has this shape (strongroom.core.http_errors): each field, rule and message."""

    statusCode: int  # noqa: N815 - Powertools' field name
    message: str
    detail: list[MismatchDetail]


def json_response(model: Any, description: str) -> OpenAPIResponse:
    """An answer of ``model`` (a pydantic model, or a union of them) for the OpenAPI document."""
    return {
        "description": description,
        "content": {content_types.APPLICATION_JSON: {"model": model}},
    }
