"""Batch jobs submitted through the Batch API run as local processes with Batch's rules."""

from __future__ import annotations

from typing import Any

import pytest

from strongroom.local.endpoints import Endpoints
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fixture_outputs(endpoints: Endpoints) -> dict[str, str]:
    return endpoints.outputs["platform_fixture"]


def _finished(batch: Any, job_id: str) -> dict[str, Any] | None:
    job: dict[str, Any] = batch.describe_jobs(jobs=[job_id])["jobs"][0]
    return job if job["status"] in ("SUCCEEDED", "FAILED") else None


def _submit(aws: Any, outputs: dict[str, str], name: str, label: str, **extra: Any) -> str:
    job_id: str = aws("batch").submit_job(
        jobName=name,
        jobQueue=outputs["JobQueueArn"],
        jobDefinition=outputs["JobDefinitionArn"],
        parameters={"label": label},
        **extra,
    )["jobId"]
    return job_id


def _seen_ids(aws: Any, table: str, prefix: str) -> set[str]:
    items = aws("dynamodb").scan(TableName=table, ConsistentRead=True)["Items"]
    return {item["id"]["S"] for item in items if item["id"]["S"].startswith(prefix)}


def test_an_array_job_runs_every_child_with_its_index_and_parameters(
    aws: Any, fixture_outputs: dict[str, str]
) -> None:
    batch = aws("batch")
    job_id = _submit(aws, fixture_outputs, "array", "array", arrayProperties={"size": 3})

    job = eventually(lambda: _finished(batch, job_id), timeout=90)

    assert job["status"] == "SUCCEEDED"
    assert _seen_ids(aws, fixture_outputs["SeenTableName"], "batch:array:") == {
        "batch:array:0:1",
        "batch:array:1:1",
        "batch:array:2:1",
    }


def test_a_failing_job_is_retried_per_its_strategy_then_fails_with_the_reason(
    aws: Any, fixture_outputs: dict[str, str]
) -> None:
    batch = aws("batch")
    job_id = _submit(aws, fixture_outputs, "failing", "fail")

    job = eventually(lambda: _finished(batch, job_id), timeout=90)

    assert job["status"] == "FAILED"
    assert job["statusReason"] == "Essential container in task exited with code 3"
    assert len(job["attempts"]) == 2
    assert _seen_ids(aws, fixture_outputs["SeenTableName"], "batch:fail:") == {
        "batch:fail:-:1",
        "batch:fail:-:2",
    }


def test_terminating_a_running_job_stops_its_process(
    aws: Any, fixture_outputs: dict[str, str]
) -> None:
    batch = aws("batch")
    job_id = _submit(aws, fixture_outputs, "sleeper", "sleep")
    eventually(lambda: batch.describe_jobs(jobs=[job_id])["jobs"][0]["status"] == "RUNNING")

    batch.terminate_job(jobId=job_id, reason="operator asked")
    job = eventually(lambda: _finished(batch, job_id), timeout=30)

    assert job["status"] == "FAILED"
    assert job["statusReason"] == "operator asked"
