"""BatchJobLauncher against moto's AWS Batch: the job it submits, as Batch records it."""

from __future__ import annotations

from typing import Any

import pytest

from strongroom.deep_archive.adapters.job_launcher import BatchJobLauncher, LaunchFailed
from tests.integration.deep_archive_api.conftest import BatchSetup

pytestmark = pytest.mark.integration

JOB_ID = "3f1c2d3e-0000-4000-8000-000000000001"


def described(batch: BatchSetup, batch_job_id: str) -> dict[str, Any]:
    (job,) = batch.client.describe_jobs(jobs=[batch_job_id])["jobs"]
    return dict(job)


def test_the_planner_is_submitted_with_the_job_id_as_its_parameter(batch: BatchSetup) -> None:
    launcher = BatchJobLauncher(batch.client, batch.job_queue, batch.job_definition)

    batch_job_id = launcher.submit(JOB_ID)

    job = described(batch, batch_job_id)
    assert job["jobName"] == f"deep-archive-{JOB_ID}"
    assert job["jobQueue"] == batch.job_queue
    assert job["parameters"] == {"job_id": JOB_ID}
    assert "arrayProperties" not in job or not job["arrayProperties"].get("size")


def test_packers_are_submitted_as_an_array_job(batch: BatchSetup) -> None:
    launcher = BatchJobLauncher(batch.client, batch.job_queue, batch.job_definition)

    batch_job_id = launcher.submit(JOB_ID, array_size=3)

    assert described(batch, batch_job_id)["arrayProperties"]["size"] == 3


def test_the_launcher_from_the_environment_uses_the_shared_client(
    batch: BatchSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOB_QUEUE_ARN", batch.job_queue)
    monkeypatch.setenv("JOB_DEFINITION_ARN", batch.job_definition)

    batch_job_id = BatchJobLauncher.from_environment().submit(JOB_ID)

    assert described(batch, batch_job_id)["jobName"] == f"deep-archive-{JOB_ID}"


def test_an_unknown_queue_is_a_permanent_launch_failure(batch: BatchSetup) -> None:
    launcher = BatchJobLauncher(
        batch.client,
        batch.job_queue.replace("deep-archive", "missing"),
        batch.job_definition,
    )

    with pytest.raises(LaunchFailed) as raised:
        launcher.submit(JOB_ID)

    assert raised.value.transient is False
