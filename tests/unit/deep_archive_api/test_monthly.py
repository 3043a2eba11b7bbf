"""The monthly cron handler against in-memory stores and launcher."""

from __future__ import annotations

import json
from typing import Any

import pytest

from strongroom.core.observability import metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.adapters.job_launcher import LaunchFailed
from strongroom.deep_archive.domain.job_records import JobRecord, JobStatus
from strongroom.deep_archive.domain.projects import MonthlySchedule, Project, SourceLocation
from strongroom.deep_archive.handlers import monthly
from strongroom.deep_archive.services.monthly_archive import MonthlyRunIncomplete
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.deep_archive_api.support import (
    Fakes,
    fakes,
    finance_project,
    job_record,
    scheduled_event,
)

DECEMBER_RUN = "2026-12-10T03:00:00Z"


def emitted_metrics(output: str) -> dict[str, float]:
    """Metric values from the EMF documents the handler printed."""
    values: dict[str, float] = {}
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            document = json.loads(line)
            for definition in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                value = document[definition["Name"]]
                values[definition["Name"]] = value[0] if isinstance(value, list) else value
    return values


@pytest.fixture(autouse=True)
def _metrics_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")


def payroll_project() -> Project:
    return Project(
        name="payroll",
        sources=(SourceLocation(bucket="payroll-src", prefixes=("slips/",)),),
        schedule=MonthlySchedule(),
    )


def bind(monkeypatch: pytest.MonkeyPatch, *projects: Project) -> Fakes:
    bound = fakes(*projects)
    monkeypatch.setattr(wiring, "ports", lambda: bound.ports)
    return bound


def run(time: str = DECEMBER_RUN) -> dict[str, Any]:
    return monthly.handler(scheduled_event(time), FakeLambdaContext())


def test_every_registered_prefix_of_the_previous_month_gets_a_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bound = bind(monkeypatch, finance_project(), payroll_project())

    summary = run()

    assert summary["month"] == "2026-11"
    jobs = bound.jobs.jobs()
    assert [job.settings.run_key for job in jobs] == [
        "finance#finance-reports-src#daily/202611",
        "finance#finance-reports-src#monthly/202611",
        "payroll#payroll-src#slips/202611",
    ]
    assert {job.settings.trigger for job in jobs} == {"schedule"}
    assert {job.status for job in jobs} == {JobStatus.SUBMITTED}
    assert [s.job_id for s in bound.launcher.submissions] == [job.job_id for job in jobs]
    assert summary["submitted"] == [
        {
            "project": job.settings.project,
            "bucket": job.settings.bucket,
            "prefix": job.settings.prefix,
            "job_id": job.job_id,
        }
        for job in jobs
    ]
    assert summary["skipped"] == summary["failed"] == []


def test_the_job_uses_the_projects_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    project = finance_project(storage_class="GLACIER", file_count=10, archive_size_mb=3)
    bound = bind(monkeypatch, project)

    run()

    settings = bound.jobs.jobs()[0].settings
    assert (settings.storage_class, settings.max_files, settings.max_bytes) == (
        "GLACIER",
        10,
        3 * 1_048_576,
    )


def test_in_january_the_december_of_the_year_before_is_archived(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bound = bind(monkeypatch, payroll_project())

    summary = run("2027-01-10T03:00:00Z")

    assert summary["month"] == "2026-12"
    assert bound.jobs.jobs()[0].settings.prefix == "slips/202612"


def test_runs_already_succeeded_or_still_running_are_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bound = bind(monkeypatch, finance_project())
    bound.jobs.create(job_record("done", status=JobStatus.SUCCEEDED, prefix="daily/202611"))
    bound.jobs.create(job_record("busy", status=JobStatus.PACKING, prefix="monthly/202611"))

    summary = run()

    assert summary["submitted"] == []
    assert summary["skipped"] == [
        {
            "project": "finance",
            "bucket": "finance-reports-src",
            "prefix": "daily/202611",
            "reason": "already archived by job done",
        },
        {
            "project": "finance",
            "bucket": "finance-reports-src",
            "prefix": "monthly/202611",
            "reason": "job busy is still PACKING",
        },
    ]
    assert bound.launcher.submissions == []


def test_a_run_whose_last_job_failed_is_started_again(monkeypatch: pytest.MonkeyPatch) -> None:
    bound = bind(monkeypatch, payroll_project())
    bound.jobs.create(
        job_record(
            "failed",
            status=JobStatus.FAILED,
            project="payroll",
            bucket="payroll-src",
            prefix="slips/202611",
        )
    )

    summary = run()

    assert [run["prefix"] for run in summary["submitted"]] == ["slips/202611"]


def test_running_twice_starts_each_job_once(monkeypatch: pytest.MonkeyPatch) -> None:
    bound = bind(monkeypatch, finance_project())

    run()
    second = run()

    assert len(bound.jobs.jobs()) == 2
    assert [skipped["reason"] for skipped in second["skipped"]] == [
        f"job {job.job_id} is still SUBMITTED" for job in bound.jobs.jobs()
    ]


def test_unscheduled_projects_are_listed_and_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    bound = bind(
        monkeypatch,
        finance_project(schedule=None),
        payroll_project().model_copy(update={"schedule": MonthlySchedule(enabled=False)}),
    )

    summary = run()

    assert summary["unscheduled"] == ["finance", "payroll"]
    assert bound.jobs.jobs() == []


def test_one_failing_project_does_not_stop_the_others(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bound = bind(monkeypatch, finance_project(), payroll_project())
    failing_run_key = "finance#finance-reports-src#daily/202611"
    original_latest = bound.jobs.latest_for_run_key

    def latest_for_run_key(run_key: str) -> JobRecord | None:
        if run_key == failing_run_key:
            raise ConnectionError("DynamoDB unreachable")
        return original_latest(run_key)

    monkeypatch.setattr(bound.jobs, "latest_for_run_key", latest_for_run_key)

    with pytest.raises(MonthlyRunIncomplete, match="1 run") as raised:
        run()

    summary = raised.value.summary
    assert [(f.project, f.prefix, f.error) for f in summary.failed] == [
        ("finance", "daily/202611", "ConnectionError: DynamoDB unreachable")
    ]
    assert [(s.project, s.prefix) for s in summary.submitted] == [
        ("finance", "monthly/202611"),
        ("payroll", "slips/202611"),
    ]
    assert len(bound.launcher.submissions) == 2
    assert emitted_metrics(capsys.readouterr().out)["ScheduledRunsFailed"] == 1.0


def test_the_outcome_is_counted_in_metrics(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bound = bind(monkeypatch, finance_project(), payroll_project())
    bound.jobs.create(job_record("done", status=JobStatus.SUCCEEDED, prefix="daily/202611"))
    bound.launcher.fail_with = None

    run()

    assert emitted_metrics(capsys.readouterr().out) == {
        "ScheduledJobsSubmitted": 2.0,
        "ScheduledRunsSkipped": 1.0,
        "ScheduledRunsFailed": 0.0,
    }


def test_a_job_batch_refuses_is_failed_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    bound = bind(monkeypatch, payroll_project())
    bound.launcher.fail_with = LaunchFailed("x", "ClientException: queue DISABLED", transient=False)

    with pytest.raises(MonthlyRunIncomplete) as raised:
        run()

    (failure,) = raised.value.summary.failed
    assert failure.project == "payroll"
    assert "queue DISABLED" in failure.error
    (job,) = bound.jobs.jobs()
    assert job.status is JobStatus.FAILED
    assert "queue DISABLED" in (job.status_reason or "")


@pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")
def test_an_event_without_a_time_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    bind(monkeypatch, payroll_project())
    event = scheduled_event(DECEMBER_RUN)
    del event["time"]

    with pytest.raises(ValueError, match="time"):
        monthly.handler(event, FakeLambdaContext())
