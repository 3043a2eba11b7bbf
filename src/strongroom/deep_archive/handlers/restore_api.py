"""``POST /restore`` records a restore request, ``GET /restores/{restore_id}`` reports on it.

The body is the seed's restore request (one ``filename``), or ``files`` / ``prefix`` for more.
Refusals name what to change: 400 a retrieval tier the archives' storage class does not offer
(Expedited for Deep Archive), 403 an unregistered project or notification topic, 404 names that
match no archived file (all of them listed), 409 names that match several (with their keys), 422
invalid fields or another region or account.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.domain.restores import (
    RestoreRequest,
    restore_status_url,
)
from strongroom.deep_archive.services.responses import MismatchProblem, json_response
from strongroom.deep_archive.services.restore_requests import find_restore, start_restore
from strongroom.deep_archive.services.restore_views import (
    AmbiguousFilesProblem,
    RestoreAccepted,
    RestoreView,
    TierProblem,
    TopicProblem,
    UnknownFilesProblem,
    UnknownRestoreProblem,
)

RESTORE_SCOPE = "deep_archive/restore"
READ_SCOPE = "deep_archive/read"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def uuid_path(description: str, example: str) -> Path:
    """A path parameter holding an id this API issued (a UUID), for OpenAPI and validation."""
    return Path(pattern=UUID_PATTERN, description=description, examples=[example])


def accepted(url: str, body: BaseModel) -> Response[Any]:
    """The 202 answer to a request whose progress ``url`` reports."""
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        headers={"Location": url},
        body=body,
    )


RestoreIdPath = Annotated[
    str,
    uuid_path(
        "The restore_id the restore request answered with.", "7d0c1a52-0000-4000-8000-000000000001"
    ),
]


router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated


@router.post(
    "/restore",
    summary="Restore archived files",
    description=(
        "Restores files by bare name (as the seed), full key, list or key prefix: each archive "
        "holding them is restored from its archive storage class once, then each file is read "
        "with one ranged GET, checked (CRC-32, SHA-256) and written to the restore bucket under "
        "restores/<restore_id>/<original key>. One SNS message to sns_topic_arn reports every "
        "file when all are done. Answers at once; follow status_url."
    ),
    status_code=202,
    responses={
        202: json_response(RestoreAccepted, "The request is recorded and its restore started"),
        400: json_response(TierProblem, "The retrieval tier is not offered for these archives"),
        403: json_response(TopicProblem, "The project or notification topic is not registered"),
        404: json_response(UnknownFilesProblem, "A name matches no archived file"),
        409: json_response(AmbiguousFilesProblem, "A name matches several archived files"),
        422: json_response(
            MismatchProblem, "A field is invalid, or names another region or account"
        ),
    },
    operation_id="startRestore",
    tags=["deep_archive"],
    security=[{"jwt": [RESTORE_SCOPE]}],
)
def restore(request: RestoreRequest) -> Response[RestoreAccepted]:
    record, files = start_restore(wiring.ports(), request)
    metrics.add_metric(name="RestoresRequested", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RestoreFilesRequested", unit=MetricUnit.Count, value=len(files))
    logger.info("restore recorded", restore_id=record.restore_id, files=len(files))
    return accepted(restore_status_url(record.restore_id), RestoreAccepted.of(record, files))


@router.get(
    "/restores/<restore_id>",
    summary="A restore request's status, file by file",
    description="Each file's state (PENDING, RESTORING, RESTORED, FAILED), where it was written "
    "or why it failed, and whether the notification was sent.",
    responses={
        200: json_response(RestoreView, "The restore request"),
        404: json_response(UnknownRestoreProblem, "No restore request has this id"),
    },
    operation_id="getRestore",
    tags=["deep_archive"],
    security=[{"jwt": [READ_SCOPE]}],
)
def get_restore(restore_id: RestoreIdPath) -> RestoreView:
    return RestoreView.of(*find_restore(wiring.ports(), restore_id))
