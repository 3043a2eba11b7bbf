"""Submitting a container IPE as an AWS Batch job (Fargate); the local stack runs the same
SubmitJob as a local process, so nothing here knows where it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.domain.ipe_jobs import IpeJobRequest

if TYPE_CHECKING:
    from mypy_boto3_batch import BatchClient


class SubmitFailed(RuntimeError):
    """Batch did not take the job: the IPE is recorded failed with this reason."""


class SubmittedJob(BaseModel):
    model_config = ConfigDict(frozen=True)

    job_id: str
    job_name: str


class IpeJobLauncher(Protocol):
    def submit(self, request: IpeJobRequest) -> SubmittedJob:
        """Start the job that runs ``request``'s IPE; raises SubmitFailed."""
        ...


class BatchIpeJobLauncher:
    def __init__(self, batch: BatchClient, job_queue: str, job_definition: str) -> None:
        self._batch = batch
        self._job_queue = job_queue
        self._job_definition = job_definition

    def submit(self, request: IpeJobRequest) -> SubmittedJob:
        try:
            response = self._batch.submit_job(
                jobName=request.job_name,
                jobQueue=self._job_queue,
                jobDefinition=self._job_definition,
                parameters=request.parameters(),
            )
        except ClientError as error:
            details = error.response.get("Error", {})
            raise SubmitFailed(
                f"Batch refused the job: {details.get('Code', '')}: {details.get('Message', '')}"
            ) from error
        except BotoCoreError as error:
            raise SubmitFailed(f"Batch was not reached: {error}") from error
        return SubmittedJob(job_id=response["jobId"], job_name=response["jobName"])
