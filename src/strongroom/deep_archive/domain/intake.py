"""An archive request resolved against its project: refused unless the project registered it.

The seed's API archived whatever bucket it was given. Here a request may only name a bucket and
a prefix inside one of its project's registered source locations, and a request that names a
region or account must name this deployment's: a caller never points the service elsewhere.

Checks run in this order: project, source, deployment, storage class. A caller that may not
archive a location learns that first, before anything about how it asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal

from strongroom.core.http_errors import ApiError
from strongroom.deep_archive.domain.grouping import megabytes
from strongroom.deep_archive.domain.job_records import JobSettings
from strongroom.deep_archive.domain.projects import Project, SourceLocation
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.domain.storage import archive_storage_class

BYTES_PER_MB = megabytes(1)
"""``archive_size`` counts MiB, as the S3 console shows sizes (see ``grouping.megabytes``)."""

Trigger = Literal["api", "schedule"]


@dataclass(frozen=True, slots=True)
class Deployment:
    """Where this service runs: the only region and account a request may name."""

    region: str
    account_id: str


class IntakeError(ApiError):
    """A request that cannot become a job; each kind carries its status code and body."""


class ProjectNotRegistered(IntakeError):
    def __init__(self, project: str) -> None:
        super().__init__(
            f"project {project!r} is not registered",
            status=HTTPStatus.FORBIDDEN,
            project=project,
            bucket=None,
            prefix=None,
            registered=None,
        )
        self.project = project


class SourceNotRegistered(IntakeError):
    def __init__(
        self, project: str, bucket: str, prefix: str, registered: tuple[SourceLocation, ...]
    ) -> None:
        super().__init__(
            f"project {project!r} has not registered bucket {bucket!r} with prefix {prefix!r}; "
            f"registered: {describe_sources(registered)}",
            status=HTTPStatus.FORBIDDEN,
            project=project,
            bucket=bucket,
            prefix=prefix,
            registered=[source.model_dump(mode="json") for source in registered],
        )
        self.project = project
        self.bucket = bucket
        self.prefix = prefix
        self.registered = registered


class DeploymentMismatch(IntakeError):
    def __init__(self, field: Literal["region", "account"], given: str, expected: str) -> None:
        super().__init__(
            f"{field} {given!r} is not this deployment's {field} ({expected!r}): "
            "this service works only within its own account and region",
            status=HTTPStatus.UNPROCESSABLE_ENTITY,
            field=field,
            rule="deployment_mismatch",
        )
        self.field = field
        self.given = given
        self.expected = expected


def describe_sources(sources: tuple[SourceLocation, ...]) -> str:
    """``bucket-a (prefixes: 'in/', 'out/'); bucket-b (prefixes: '')`` for error messages."""
    return "; ".join(
        f"{source.bucket} (prefixes: {', '.join(repr(prefix) for prefix in source.prefixes)})"
        for source in sources
    )


def resolve(
    request: ArchiveRequest,
    project: Project | None,
    deployment: Deployment,
    *,
    trigger: Trigger = "api",
) -> JobSettings:
    """The job ``request`` asks for, with the project's defaults for what it leaves out.

    Raises ProjectNotRegistered, SourceNotRegistered, DeploymentMismatch or
    UnsupportedStorageClassError. An empty ``output_prefix`` counts as not given (the project's
    own, which may be empty: archive keys start with the project's name either way).
    """
    if project is None or project.name != request.project_name:
        raise ProjectNotRegistered(request.project_name)
    if not project.authorizes(request.bucket_name, request.prefix):
        raise SourceNotRegistered(
            project.name, request.bucket_name, request.prefix, project.sources
        )
    if request.region is not None and request.region != deployment.region:
        raise DeploymentMismatch("region", request.region, deployment.region)
    if request.account is not None and request.account != deployment.account_id:
        raise DeploymentMismatch("account", request.account, deployment.account_id)
    storage_class = (
        project.storage_class
        if request.storage_class is None
        else archive_storage_class(request.storage_class)
    )
    return JobSettings(
        project=project.name,
        bucket=request.bucket_name,
        prefix=request.prefix,
        output_prefix=request.output_prefix or project.output_prefix,
        storage_class=storage_class,
        max_files=request.file_count or project.file_count,
        max_bytes=(request.archive_size or project.archive_size_mb) * BYTES_PER_MB,
        expected_files=request.expected_files,
        expected_bytes=request.expected_bytes,
        delete_source=request.delete_source,
        dry_run=request.dry_run,
        workers=request.workers,
        trigger=trigger,
    )
