"""Starting the archive's Batch jobs: the planner (one job) and the packers (an array job).

The job definition's command takes the job id as ``Ref::job_id``; the job reads everything
else from its record in the Jobs table. On the local stack the same SubmitJob runs the job as
a local process, so nothing here knows where it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, Self

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import Field

from strongroom.core import aws
from strongroom.core.settings import EnvironmentSettings

if TYPE_CHECKING:
    from mypy_boto3_batch import BatchClient

JOB_NAME_PREFIX = "deep-archive-"
MAX_ARRAY_SIZE = 10_000  # AWS Batch's limit for an array job
# Errors worth retrying later: the service was busy or briefly unavailable.
_TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ServerException",
        "InternalFailure",
        "RequestLimitExceeded",
    }
)


class LaunchFailed(RuntimeError):
    """Batch did not accept the job; ``transient`` when trying again later may succeed."""

    def __init__(self, job_id: str, reason: str, *, transient: bool) -> None:
        super().__init__(f"Batch did not accept the job for {job_id}: {reason}")
        self.job_id = job_id
        self.reason = reason
        self.transient = transient


class JobLauncher(Protocol):
    def submit(self, job_id: str, *, array_size: int | None = None) -> str:
        """Submit the Batch job for archive job ``job_id``; Batch's job id. Else LaunchFailed.

        ``array_size`` above 1 makes an array job of that many children.
        """
        ...


class BatchSettings(EnvironmentSettings):
    job_queue: str = Field(alias="JOB_QUEUE_ARN", min_length=1)
    job_definition: str = Field(alias="JOB_DEFINITION_ARN", min_length=1)


def batch_job_name(job_id: str) -> str:
    return f"{JOB_NAME_PREFIX}{job_id}"


def checked_array_size(array_size: int | None) -> int | None:
    """``None`` for a single job, else the array size (1 also means a single job)."""
    if array_size is None or array_size == 1:
        return None
    if not 2 <= array_size <= MAX_ARRAY_SIZE:
        raise ValueError(f"array_size must be 1..{MAX_ARRAY_SIZE}, not {array_size}")
    return array_size


class BatchJobLauncher:
    def __init__(
        self, batch_client: BatchClient | None, job_queue: str, job_definition: str
    ) -> None:
        self._client: BatchClient = batch_client or aws.client("batch")
        self._job_queue = job_queue
        self._job_definition = job_definition

    @classmethod
    def from_environment(cls) -> Self:
        settings = BatchSettings.from_environment()
        return cls(None, settings.job_queue, settings.job_definition)

    def submit(self, job_id: str, *, array_size: int | None = None) -> str:
        size = checked_array_size(array_size)
        arguments: dict[str, Any] = {
            "jobName": batch_job_name(job_id),
            "jobQueue": self._job_queue,
            "jobDefinition": self._job_definition,
            "parameters": {"job_id": job_id},
        }
        if size is not None:
            arguments["arrayProperties"] = {"size": size}
        try:
            response = self._client.submit_job(**arguments)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "") or str(error)
            raise LaunchFailed(
                job_id, f"{code}: {message}", transient=code in _TRANSIENT_CODES
            ) from error
        except BotoCoreError as error:
            # Connection or endpoint trouble: Batch was not reached at all.
            raise LaunchFailed(job_id, str(error), transient=True) from error
        return response["jobId"]
