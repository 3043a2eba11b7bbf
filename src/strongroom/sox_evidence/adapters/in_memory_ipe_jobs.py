"""The Batch launcher's in-memory twin: remembers each request; can be told to refuse."""

from __future__ import annotations

from strongroom.sox_evidence.adapters.ipe_jobs import SubmitFailed, SubmittedJob
from strongroom.sox_evidence.domain.ipe_jobs import IpeJobRequest


class InMemoryIpeJobLauncher:
    def __init__(self, *, refuse_with: str | None = None) -> None:
        self.submitted: list[tuple[SubmittedJob, IpeJobRequest]] = []
        self._refuse_with = refuse_with

    def submit(self, request: IpeJobRequest) -> SubmittedJob:
        if self._refuse_with is not None:
            raise SubmitFailed(self._refuse_with)
        job = SubmittedJob(job_id=f"job-{len(self.submitted) + 1:04d}", job_name=request.job_name)
        self.submitted.append((job, request))
        return job
