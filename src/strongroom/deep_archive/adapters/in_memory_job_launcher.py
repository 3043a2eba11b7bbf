"""A job launcher that records submissions and fails like Batch when told to."""

from __future__ import annotations

from dataclasses import dataclass

from strongroom.deep_archive.adapters.job_launcher import (
    LaunchFailed,
    batch_job_name,
    checked_array_size,
)


@dataclass(frozen=True, slots=True)
class Submission:
    job_id: str
    job_name: str
    array_size: int | None
    batch_job_id: str


class RecordingJobLauncher:
    """Records each submission; ``fail_with`` makes the next submissions fail like Batch."""

    def __init__(self) -> None:
        self.submissions: list[Submission] = []
        self.fail_with: LaunchFailed | None = None

    def submit(self, job_id: str, *, array_size: int | None = None) -> str:
        size = checked_array_size(array_size)
        if self.fail_with is not None:
            raise self.fail_with
        batch_job_id = f"batch-{len(self.submissions) + 1:04d}"
        self.submissions.append(Submission(job_id, batch_job_name(job_id), size, batch_job_id))
        return batch_job_id
