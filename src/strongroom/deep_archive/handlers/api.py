"""``api``: ``POST /archive`` starts an archive job, ``GET /jobs/{job_id}`` reports on it.

Behind the HTTP API's JWT authorizer. The body is the seed's ``/archive`` request, but the job
archives only what the named project registered: another bucket or a prefix outside the
registered ones is 403, a region or account other than this deployment's 422. Invalid fields are
422 naming the field (Powertools validation), an unknown storage class 400 listing the allowed.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from strongroom.core.http_errors import invalid_request
from strongroom.core.observability import logger, metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.domain.intake import (
    DeploymentMismatch,
    ProjectNotRegistered,
    SourceNotRegistered,
)
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.domain.storage import UnsupportedStorageClassError
from strongroom.deep_archive.handlers import restore_api
from strongroom.deep_archive.services.archive_jobs import (
    JobNotLaunched,
    RunInProgress,
    UnknownJob,
    find_job,
    request_archive,
    status_url,
)
from strongroom.deep_archive.services.job_views import (
    JobAccepted,
    JobView,
    NotLaunchedProblem,
    NotRegisteredProblem,
    RunningProblem,
    StorageClassProblem,
    UnknownJobProblem,
)
from strongroom.deep_archive.services.responses import (
    MismatchDetail,
    MismatchProblem,
    json_response,
    problem,
)

ARCHIVE_SCOPE = "deep_archive/archive"
READ_SCOPE = "deep_archive/read"
"""The gateway's JWT authorizer enforces the scopes; here they document the routes in OpenAPI."""
JOB_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
RETRY_AFTER_SECONDS = 30

JobIdPath = Annotated[
    str,
    Path(
        pattern=JOB_ID_PATTERN,
        description="The job id the archive request answered with.",
        examples=["3f1c2d3e-0000-4000-8000-000000000001"],
    ),
]


app = APIGatewayHttpResolver(enable_validation=True)
app.include_router(restore_api.router)


@app.post(
    "/archive",
    summary="Archive a registered source prefix",
    description=(
        "Starts a job that packs the objects under the prefix into ZIP archives in the "
        "project's archive storage class and catalogues every file. Only a bucket and prefix "
        "the project registered may be archived. Answers at once; follow status_url."
    ),
    status_code=202,
    responses={
        202: json_response(JobAccepted, "The job is recorded and its planner submitted"),
        400: json_response(StorageClassProblem, "The storage class is not one archives may use"),
        403: json_response(NotRegisteredProblem, "The project, bucket or prefix is not registered"),
        409: json_response(RunningProblem, "A job archiving the same prefix is still running"),
        422: json_response(
            MismatchProblem, "A field is invalid, or names another region or account"
        ),
        502: json_response(NotLaunchedProblem, "AWS Batch refused the job (the job is FAILED)"),
        503: json_response(NotLaunchedProblem, "AWS Batch was unavailable (the job is FAILED)"),
    },
    operation_id="startArchiveJob",
    tags=["deep_archive"],
    security=[{"jwt": [ARCHIVE_SCOPE]}],
)
def archive(request: ArchiveRequest) -> Response[JobAccepted]:
    record = request_archive(wiring.ports(), request)
    metrics.add_metric(name="ArchiveJobsStarted", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        headers={"Location": status_url(record.job_id)},
        body=JobAccepted(
            job_id=record.job_id, status=record.status, status_url=status_url(record.job_id)
        ),
    )


@app.get(
    "/jobs/<job_id>",
    summary="An archive job's status and progress",
    description="Status, settings, counters, archives written, errors and the cost estimate.",
    responses={
        200: json_response(JobView, "The job"),
        404: json_response(UnknownJobProblem, "No job has this id"),
    },
    operation_id="getArchiveJob",
    tags=["deep_archive"],
    security=[{"jwt": [READ_SCOPE]}],
)
def get_job(job_id: JobIdPath) -> JobView:
    return JobView.of(find_job(wiring.ports(), job_id))


def _problem(status: HTTPStatus, body: BaseModel, **headers: str) -> Response[Any]:
    if status < HTTPStatus.INTERNAL_SERVER_ERROR and status != HTTPStatus.NOT_FOUND:
        metrics.add_metric(name="ArchiveRequestsRefused", unit=MetricUnit.Count, value=1)
    return problem(status, body, **headers)


def _unsupported_storage_class(error: UnsupportedStorageClassError) -> Response[Any]:
    body = StorageClassProblem(message=str(error), given=error.given, allowed=list(error.allowed))
    return _problem(HTTPStatus.BAD_REQUEST, body)


def _project_not_registered(error: ProjectNotRegistered) -> Response[Any]:
    logger.info("archive refused: project not registered", project=error.project)
    return _problem(
        HTTPStatus.FORBIDDEN, NotRegisteredProblem(message=str(error), project=error.project)
    )


def _source_not_registered(error: SourceNotRegistered) -> Response[Any]:
    logger.info(
        "archive refused: source not registered",
        project=error.project,
        bucket=error.bucket,
        prefix=error.prefix,
    )
    body = NotRegisteredProblem(
        message=str(error),
        project=error.project,
        bucket=error.bucket,
        prefix=error.prefix,
        registered=list(error.registered),
    )
    return _problem(HTTPStatus.FORBIDDEN, body)


def _deployment_mismatch(error: DeploymentMismatch) -> Response[Any]:
    body = MismatchProblem(
        statusCode=HTTPStatus.UNPROCESSABLE_ENTITY,
        message=f"invalid request: body.{error.field}: {error} [deployment_mismatch]",
        detail=[
            MismatchDetail(loc=["body", error.field], type="deployment_mismatch", msg=str(error))
        ],
    )
    return _problem(HTTPStatus.UNPROCESSABLE_ENTITY, body)


def _run_in_progress(error: RunInProgress) -> Response[Any]:
    body = RunningProblem(
        message=str(error),
        run_key=error.run_key,
        job_id=error.job_id,
        status=error.status,
        status_url=status_url(error.job_id),
    )
    return _problem(HTTPStatus.CONFLICT, body)


def _job_not_launched(error: JobNotLaunched) -> Response[Any]:
    metrics.add_metric(name="ArchiveJobsNotLaunched", unit=MetricUnit.Count, value=1)
    logger.error("planner job not submitted", job_id=error.job_id, reason=error.failure.reason)
    body = NotLaunchedProblem(
        message=str(error),
        job_id=error.job_id,
        status_url=status_url(error.job_id),
        reason=error.failure.reason,
    )
    if error.failure.transient:
        return _problem(
            HTTPStatus.SERVICE_UNAVAILABLE, body, **{"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    return _problem(HTTPStatus.BAD_GATEWAY, body)


def _unknown_job(error: UnknownJob) -> Response[Any]:
    return _problem(
        HTTPStatus.NOT_FOUND, UnknownJobProblem(message=str(error), job_id=error.job_id)
    )


app.exception_handler(UnsupportedStorageClassError)(_unsupported_storage_class)
app.exception_handler(ProjectNotRegistered)(_project_not_registered)
app.exception_handler(SourceNotRegistered)(_source_not_registered)
app.exception_handler(DeploymentMismatch)(_deployment_mismatch)
app.exception_handler(RunInProgress)(_run_in_progress)
app.exception_handler(JobNotLaunched)(_job_not_launched)
app.exception_handler(UnknownJob)(_unknown_job)
app.exception_handler(RequestValidationError)(invalid_request)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
