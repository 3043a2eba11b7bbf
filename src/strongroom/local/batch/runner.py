"""Runs one Batch job (or one child of an array job) as a local process, with Batch's rules.

Retries follow the job definition's ``retryStrategy.attempts``; an attempt that passes
``timeout.attemptDurationSeconds`` is killed and counts as failed; ``TerminateJob`` kills
the running attempt. The job's output goes to ``logs/batch-<job name>-<job id>.log``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from strongroom.local.batch.command import local_argv, pairs_to_environment, substitute_parameters

_POLL_SECONDS = 0.2


class LocalBatchRunner:
    def __init__(
        self,
        aws_environment: Mapping[str, str],
        log_dir: Path,
        *,
        on_event: Callable[[str], None] | None = None,
        credentials_for: Callable[[str], Mapping[str, str]] | None = None,
    ) -> None:
        """``credentials_for``: the AWS credentials (environment variables) a job signs with,
        by job definition name, over ``aws_environment``'s."""
        log_dir.mkdir(parents=True, exist_ok=True)
        self._aws_environment = dict(aws_environment)
        self._credentials_for = credentials_for or (lambda _name: {})
        self._log_dir = log_dir
        self._on_event = on_event or (lambda _line: None)

    def launch(self, job: Any, *, is_array_parent: bool) -> None:
        """Run ``job`` (a moto Batch job) in the background; its status follows the process."""
        target = self._watch_children if is_array_parent else self._run
        threading.Thread(
            target=target, args=(job,), name=f"batch-{job.job_id}", daemon=True
        ).start()

    def log_path(self, job: Any) -> Path:
        return self._log_dir / f"batch-{job.job_name}-{job.job_id.replace(':', '-')}.log"

    def _run(self, job: Any) -> None:
        definition = job.job_definition
        attempts = int((definition.retry_strategy or {}).get("attempts", 1))
        timeout = (job.timeout or definition.timeout or {}).get("attemptDurationSeconds")
        exit_code: int | None = None
        reason = None
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                job._start_attempt()  # moto's own record of an attempt
            exit_code, reason = self._attempt(job, attempt, timeout)
            if exit_code == 0 or job.stop:
                break
        job.exit_code = exit_code
        if exit_code != 0:
            job.job_stopped_reason = reason
        job._mark_stopped(success=exit_code == 0)
        verdict = "SUCCEEDED" if exit_code == 0 else f"FAILED ({reason})"
        self._on_event(f"batch {job.job_queue.name} -> {job.job_name} {job.job_id}: {verdict}")

    def _attempt(self, job: Any, attempt: int, timeout: Any) -> tuple[int | None, str]:
        command = substitute_parameters(self._command(job), dict(job.parameters))
        environment = self._environment(job, attempt)
        with self.log_path(job).open("ab") as log:
            job.status = "STARTING"
            process = subprocess.Popen(  # noqa: S603 - the job definition's own command
                local_argv(command), stdout=log, stderr=subprocess.STDOUT, env=environment
            )
            job.status = "RUNNING"
            deadline = time.monotonic() + float(timeout) if timeout else None
            while process.poll() is None:
                if job.stop:
                    process.kill()
                    process.wait()
                    return process.returncode, job.job_stopped_reason or "Terminated"
                if deadline is not None and time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    return None, f"Job attempt duration exceeded timeout of {timeout} seconds"
                time.sleep(_POLL_SECONDS)
        return (
            process.returncode,
            f"Essential container in task exited with code {process.returncode}",
        )

    @staticmethod
    def _command(job: Any) -> list[str]:
        override = job.container_overrides.get("command")
        command: list[str] = override or (job.job_definition.container_properties or {}).get(
            "command", []
        )
        return command

    def _environment(self, job: Any, attempt: int) -> dict[str, str]:
        properties = job.job_definition.container_properties or {}
        inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
        batch = {
            "AWS_BATCH_JOB_ID": job.job_id,
            "AWS_BATCH_JQ_NAME": job.job_queue.name,
            "AWS_BATCH_JOB_ATTEMPT": str(attempt),
            "AWS_BATCH_CE_NAME": "local",
        }
        index = (job.array_properties or {}).get("index")
        if index is not None:
            batch["AWS_BATCH_JOB_ARRAY_INDEX"] = str(index)
        return {
            **inherited,
            "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry),
            **self._aws_environment,
            **self._credentials_for(job.job_definition.name),
            **pairs_to_environment(properties.get("environment")),
            **pairs_to_environment(job.container_overrides.get("environment")),
            **batch,
        }

    def _watch_children(self, parent: Any) -> None:
        """An array job ends when all its children have: failed if any failed, as on AWS."""
        parent.status = "PENDING"
        while parent._child_jobs is None or not all(
            child.job_stopped for child in parent._child_jobs
        ):
            if parent._child_jobs and any(c.status == "RUNNING" for c in parent._child_jobs):
                parent.status = "RUNNING"
            time.sleep(_POLL_SECONDS)
        failed = [child for child in parent._child_jobs if child.status == "FAILED"]
        if failed:
            parent.job_stopped_reason = (
                f"{len(failed)} of {len(parent._child_jobs)} child jobs failed"
            )
        parent._mark_stopped(success=not failed)
