"""The monthly cron through the local stack: fired with `strongroom schedule run`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore
from strongroom.deep_archive.adapters.project_store import DynamoDBProjectStore
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.domain.projects import MonthlySchedule, Project, SourceLocation
from strongroom.deep_archive.domain.schedule import previous_month
from strongroom.deep_archive.localdev import DEMO_BUCKET, demo_files, put_demo_files
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
SCHEDULE = "deep_archive.MonthlyFunction.Monthly"


def test_the_monthly_run_archives_last_month_once(
    aws: Any, endpoints: Endpoints, local_stack: LocalStack
) -> None:
    outputs = endpoints.outputs["deep_archive"]
    month = previous_month(datetime.now(UTC))
    period = f"{month.year:04d}{month.month:02d}"
    put_demo_files(aws("s3"), DEMO_BUCKET, demo_files(f"e2e-monthly/{period}", 24))
    DynamoDBProjectStore(outputs["ProjectsTableName"], aws("dynamodb")).put(
        Project(
            name="e2e-monthly",
            sources=(SourceLocation(bucket=DEMO_BUCKET, prefixes=("e2e-monthly/",)),),
            schedule=MonthlySchedule(),
        )
    )
    jobs = DynamoDBJobStore(outputs["JobsTableName"], aws("dynamodb"))
    run_key = f"e2e-monthly#{DEMO_BUCKET}#e2e-monthly/{period}"
    state = ["--state-dir", str(local_stack.options.state_dir)]

    fired = CliRunner().invoke(app, ["schedule", "run", SCHEDULE, *state])
    assert fired.exit_code == 0, fired.output
    job = eventually(
        lambda: (
            (found := jobs.latest_for_run_key(run_key)) is not None
            and found.status.finished
            and found
        ),
        timeout=120,
    )
    again = CliRunner().invoke(app, ["schedule", "run", SCHEDULE, *state])

    assert job.status is JobStatus.SUCCEEDED, job
    assert job.settings.trigger == "schedule"
    assert job.counts.files_archived == 24
    assert again.exit_code == 0, again.output
    latest = jobs.latest_for_run_key(run_key)
    assert latest is not None
    assert latest.job_id == job.job_id  # the second run skipped the archived month
