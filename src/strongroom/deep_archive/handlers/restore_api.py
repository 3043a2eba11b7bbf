"""``POST /restore`` records a restore request, ``GET /restores/{restore_id}`` reports on it.

The body is the seed's restore request (one ``filename``), or ``files`` / ``prefix`` for more.
Refusals name what to change: 400 a retrieval tier the archives' storage class does not offer
(Expedited for Deep Archive), 403 an unregistered project or notification topic, 404 names that
match no archived file (all of them listed), 409 names that match several (with their keys), 422
invalid fields or another region or account.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive.domain.restore_lookup import (
    AmbiguousFiles,
    TierNotOffered,
    TooManyFiles,
    TopicNotRegistered,
    UnknownFiles,
)
from strongroom.deep_archive.domain.restore_progress import file_result
from strongroom.deep_archive.domain.restores import (
    FileCounts,
    RestoreFile,
    RestoreRecord,
    RestoreRequest,
    RestoreStatus,
    RetrievalTier,
    file_counts,
    request_status,
)
from strongroom.deep_archive.handlers.api_models import (
    MismatchDetail,
    MismatchProblem,
    Problem,
    Timestamp,
    json_response,
    problem,
)
from strongroom.deep_archive.handlers.restore_start import (
    RestorePlane,
    restore_status_url,
    start_restore,
)
from strongroom.deep_archive.handlers.restore_wiring import restore_plane_from_environment

RESTORE_SCOPE = "deep_archive/restore"
READ_SCOPE = "deep_archive/read"
RESTORE_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

RestoreIdPath = Annotated[
    str,
    Path(
        pattern=RESTORE_ID_PATTERN,
        description="The restore_id the restore request answered with.",
        examples=["7d0c1a52-0000-4000-8000-000000000001"],
    ),
]


class FileView(BaseModel):
    requested: str
    source: str
    state: str
    location: str | None
    size: int
    sha256: str
    error: str | None
    archive: str
    updated_at: Timestamp


class NotificationView(BaseModel):
    state: str
    claimed_at: Timestamp
    message_id: str | None
    sent_at: Timestamp | None


class RestoreAccepted(BaseModel):
    """The 202 body: the request is recorded and its restore started."""

    restore_id: str
    status: RestoreStatus
    status_url: str
    retrieval_tier: RetrievalTier
    files: list[FileView]


class RestoreView(BaseModel):
    """A restore request as ``GET /restores/{restore_id}`` shows it."""

    restore_id: str
    project: str
    status: RestoreStatus
    retrieval_tier: RetrievalTier
    sns_topic_arn: str
    counts: FileCounts
    notification: NotificationView | None
    created_at: Timestamp
    files: list[FileView]


def file_views(record: RestoreRecord, files: list[RestoreFile]) -> list[FileView]:
    return [
        FileView.model_validate(
            {
                **file_result(record, file),
                "archive": f"s3://{file.entry.archive_bucket}/{file.entry.archive_key}",
                "updated_at": file.updated_at,
            }
        )
        for file in files
    ]


class TierProblem(Problem):
    field: str = "retrieval_tier"
    given: str
    storage_class: str | None
    allowed: list[str]
    files: list[str]


class TopicProblem(Problem):
    field: str = "sns_topic_arn"
    project: str
    given: str
    registered: list[str]


class UnknownFilesProblem(Problem):
    project: str
    unknown: list[str]


class AmbiguousFilesProblem(Problem):
    project: str
    matches: dict[str, list[str]]


class UnknownRestoreProblem(Problem):
    restore_id: str


class UnknownRestore(Exception):
    def __init__(self, restore_id: str) -> None:
        super().__init__(f"no restore request {restore_id!r}")
        self.restore_id = restore_id


@cache
def aws_restore_plane() -> RestorePlane:
    return restore_plane_from_environment()


# Seam: tests bind fakes with monkeypatch.setattr(restore_api, "restore_plane_factory", ...).
restore_plane_factory: Callable[[], RestorePlane] = aws_restore_plane

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
    record, files = start_restore(restore_plane_factory(), request)
    metrics.add_metric(name="RestoresRequested", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RestoreFilesRequested", unit=MetricUnit.Count, value=len(files))
    logger.info("restore recorded", restore_id=record.restore_id, files=len(files))
    url = restore_status_url(record.restore_id)
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        headers={"Location": url},
        body=RestoreAccepted(
            restore_id=record.restore_id,
            status=request_status(files),
            status_url=url,
            retrieval_tier=record.retrieval_tier,
            files=file_views(record, files),
        ),
    )


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
    found = restore_plane_factory().store.get(restore_id)
    if found is None:
        raise UnknownRestore(restore_id)
    record, files = found
    return RestoreView(
        restore_id=record.restore_id,
        project=record.project,
        status=request_status(files),
        retrieval_tier=record.retrieval_tier,
        sns_topic_arn=record.sns_topic_arn,
        counts=file_counts(files),
        notification=(
            None
            if record.notification is None
            else NotificationView.model_validate(record.notification.model_dump())
        ),
        created_at=record.created_at,
        files=file_views(record, files),
    )


def _tier_not_offered(error: TierNotOffered) -> Response[Any]:
    body = TierProblem(
        message=str(error),
        given=error.tier,
        storage_class=error.storage_class,
        allowed=list(error.allowed),
        files=error.keys,
    )
    return problem(HTTPStatus.BAD_REQUEST, body)


def _topic_not_registered(error: TopicNotRegistered) -> Response[Any]:
    body = TopicProblem(
        message=str(error),
        project=error.project,
        given=error.topic_arn,
        registered=list(error.registered),
    )
    return problem(HTTPStatus.FORBIDDEN, body)


def _unknown_files(error: UnknownFiles) -> Response[Any]:
    body = UnknownFilesProblem(message=str(error), project=error.project, unknown=error.names)
    return problem(HTTPStatus.NOT_FOUND, body)


def _ambiguous_files(error: AmbiguousFiles) -> Response[Any]:
    body = AmbiguousFilesProblem(message=str(error), project=error.project, matches=error.matches)
    return problem(HTTPStatus.CONFLICT, body)


def _too_many_files(error: TooManyFiles) -> Response[Any]:
    body = MismatchProblem(
        statusCode=HTTPStatus.UNPROCESSABLE_ENTITY,
        message=f"invalid request: body.{error.field}: {error} [too_many_files]",
        detail=[MismatchDetail(loc=["body", error.field], type="too_many_files", msg=str(error))],
    )
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, body)


def _unknown_restore(error: UnknownRestore) -> Response[Any]:
    body = UnknownRestoreProblem(message=str(error), restore_id=error.restore_id)
    return problem(HTTPStatus.NOT_FOUND, body)


router.exception_handler(TierNotOffered)(_tier_not_offered)
router.exception_handler(TopicNotRegistered)(_topic_not_registered)
router.exception_handler(UnknownFiles)(_unknown_files)
router.exception_handler(AmbiguousFiles)(_ambiguous_files)
router.exception_handler(TooManyFiles)(_too_many_files)
router.exception_handler(UnknownRestore)(_unknown_restore)
