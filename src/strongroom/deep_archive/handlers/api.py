"""``api``: ``POST /archive`` starts an archive job, ``GET /jobs/{job_id}`` reports on it.

Behind the HTTP API's JWT authorizer. The body is the seed's ``/archive`` request, but the job
archives only what the named project registered: another bucket or a prefix outside the
registered ones is 403, a region or account other than this deployment's 422. Invalid fields are
422 naming the field (Powertools validation), an unknown storage class 400 listing the allowed.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.core.http_errors import answer_errors, require_scopes
from strongroom.core.observability import logger, metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.handlers import restore_api
from strongroom.deep_archive.handlers.restore_api import READ_SCOPE, accepted, uuid_path
from strongroom.deep_archive.services.archive_jobs import find_job, request_archive, status_url
from strongroom.deep_archive.services.job_views import (
    JobAccepted,
    JobView,
    NotLaunchedProblem,
    NotRegisteredProblem,
    RunningProblem,
    ScopeProblem,
    StorageClassProblem,
    UnknownJobProblem,
)
from strongroom.deep_archive.services.responses import MismatchProblem, json_response

ARCHIVE_SCOPE = "deep_archive/archive"
"""The gateway's JWT authorizer enforces the scopes; here they document the routes in OpenAPI."""
DELETE_SCOPE = "deep_archive/delete"
"""Needed, with ARCHIVE_SCOPE, for ``delete_source``: checked here, as the route admits either
(the authorizer asks for any one of a route's scopes, and listing it on the route is what gives
the local stack's dev token every scope)."""

JobIdPath = Annotated[
    str,
    uuid_path(
        "The job id the archive request answered with.", "3f1c2d3e-0000-4000-8000-000000000001"
    ),
]


app = APIGatewayHttpResolver(enable_validation=True)
app.include_router(restore_api.router)
answer_errors(app)


@app.post(
    "/archive",
    summary="Archive a registered source prefix",
    description=(
        "Starts a job that packs the objects under the prefix into ZIP archives in the "
        "project's archive storage class and catalogues every file. Only a bucket and prefix "
        "the project registered may be archived. Answers at once; follow status_url. "
        f"delete_source also needs the scope {DELETE_SCOPE} (403 naming it otherwise)."
    ),
    status_code=202,
    responses={
        202: json_response(JobAccepted, "The job is recorded and its planner submitted"),
        400: json_response(StorageClassProblem, "The storage class is not one archives may use"),
        403: json_response(
            NotRegisteredProblem | ScopeProblem,
            "The project, bucket or prefix is not registered, or the token lacks a scope "
            f"the request needs ({ARCHIVE_SCOPE}; with delete_source also {DELETE_SCOPE})",
        ),
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
    if request.delete_source:
        require_scopes(
            app.current_event.raw_event,
            [ARCHIVE_SCOPE, DELETE_SCOPE],
            why="archiving with delete_source",
        )
    else:
        require_scopes(app.current_event.raw_event, [ARCHIVE_SCOPE], why="archiving")
    record = request_archive(wiring.ports(), request)
    metrics.add_metric(name="ArchiveJobsStarted", unit=MetricUnit.Count, value=1)
    url = status_url(record.job_id)
    return accepted(url, JobAccepted(job_id=record.job_id, status=record.status, status_url=url))


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


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
