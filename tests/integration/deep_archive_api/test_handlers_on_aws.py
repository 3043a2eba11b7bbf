"""The API and monthly handlers bound by their environment to DynamoDB and Batch in moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from strongroom.core.observability import metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore
from strongroom.deep_archive.adapters.project_store import DynamoDBProjectStore
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.handlers import api, monthly
from tests.integration.deep_archive_api.conftest import BatchSetup
from tests.integration.deep_archive_api.tables import DeepArchiveTables
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.deep_archive_api.support import (
    ACCOUNT,
    REGION,
    finance_project,
    http_event,
    scheduled_event,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:No application metrics:UserWarning"),
]


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch, tables: DeepArchiveTables, batch: BatchSetup
) -> Iterator[DeepArchiveTables]:
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
    for name, value in {
        "PROJECTS_TABLE_NAME": tables.projects,
        "JOBS_TABLE_NAME": tables.jobs,
        "JOB_QUEUE_ARN": batch.job_queue,
        "JOB_DEFINITION_ARN": batch.job_definition,
        "DEPLOYMENT_ACCOUNT_ID": ACCOUNT,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    wiring.aws_ports.cache_clear()
    DynamoDBProjectStore.from_environment().put(finance_project())
    yield tables
    wiring.aws_ports.cache_clear()


def call(method: str, path: str, body: Any | None = None) -> tuple[int, Any]:
    response = api.handler(http_event(method, path, body), FakeLambdaContext())
    return response["statusCode"], json.loads(response["body"])


def test_an_archive_request_is_recorded_and_its_planner_submitted(
    environment: DeepArchiveTables, batch: BatchSetup
) -> None:
    status, accepted = call(
        "POST",
        "/archive",
        {"project_name": "finance", "bucket_name": "finance-reports-src", "prefix": "daily/2025"},
    )

    assert status == 202
    status, job = call("GET", accepted["status_url"])
    assert status == 200
    assert job["status"] == "SUBMITTED"
    assert job["settings"]["prefix"] == "daily/2025"
    (batch_job_id,) = job["batch_job_ids"]
    (submitted,) = batch.client.describe_jobs(jobs=[batch_job_id])["jobs"]
    assert submitted["jobName"] == f"deep-archive-{accepted['job_id']}"
    assert submitted["parameters"] == {"job_id": accepted["job_id"]}

    status, conflict = call(
        "POST",
        "/archive",
        {"project_name": "finance", "bucket_name": "finance-reports-src", "prefix": "daily/2025"},
    )
    assert status == 409
    assert conflict["job_id"] == accepted["job_id"]


def test_the_monthly_run_starts_each_prefix_once(environment: DeepArchiveTables) -> None:
    first = monthly.handler(scheduled_event("2027-01-10T03:00:00Z"), FakeLambdaContext())
    second = monthly.handler(scheduled_event("2027-01-10T03:00:00Z"), FakeLambdaContext())

    assert [run["prefix"] for run in first["submitted"]] == ["daily/202612", "monthly/202612"]
    assert second["submitted"] == []
    assert len(second["skipped"]) == 2
    jobs = DynamoDBJobStore.from_environment()
    for run in first["submitted"]:
        record = jobs.get(run["job_id"])
        assert record is not None
        assert record.status is JobStatus.SUBMITTED
        assert record.settings.trigger == "schedule"
        assert len(record.batch_job_ids) == 1
