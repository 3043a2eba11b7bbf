"""Routes moto's Batch jobs to the local runner instead of Docker.

moto's Docker-free Batch backend marks every job SUCCEEDED at once; we keep its API
(SubmitJob, DescribeJobs, TerminateJob behave as moto implements them) and replace only
the step that "finishes" a job with one that runs it.
"""

from __future__ import annotations

import datetime
from typing import Any

from strongroom.local.batch.runner import LocalBatchRunner

_active: dict[str, LocalBatchRunner] = {}


def install(runner: LocalBatchRunner) -> None:
    from moto.batch_simple.models import BatchSimpleBackend  # noqa: PLC0415 - local extra
    from moto.core.config import default_user_config  # noqa: PLC0415

    default_user_config["batch"]["use_docker"] = False
    _active["runner"] = runner
    BatchSimpleBackend._mark_job_as_finished = _start_job  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    _active.pop("runner", None)


def _start_job(backend: Any, include_start_attempt: bool, job: Any) -> None:
    backend.backend._jobs[job.job_id] = job
    job.job_started_at = datetime.datetime.now()
    job.log_stream_name = job._stream_name
    runner = _active.get("runner")
    if runner is None:
        job.job_stopped_reason = "no local Batch runner is active"
        job._mark_stopped(success=False)
        return
    job.status = "RUNNABLE"
    if include_start_attempt:
        job._start_attempt()
    runner.launch(job, is_array_parent=not include_start_attempt)
