"""The monthly run's month arithmetic, its requests and when a run is skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.domain.projects import MonthlySchedule, SourceLocation
from strongroom.deep_archive.domain.schedule import (
    month_label,
    previous_month,
    scheduled_requests,
    skip_reason,
)
from tests.unit.deep_archive_api.support import finance_project, job_record


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 12, 10, 3, 0, tzinfo=UTC), date(2026, 11, 1)),
        (datetime(2026, 1, 10, 3, 0, tzinfo=UTC), date(2025, 12, 1)),
        (datetime(2026, 3, 1, 0, 0, tzinfo=UTC), date(2026, 2, 1)),
        (datetime(2024, 3, 31, 23, 59, tzinfo=UTC), date(2024, 2, 1)),
    ],
)
def test_the_previous_month(moment: datetime, expected: date) -> None:
    assert previous_month(moment) == expected


def test_the_month_is_taken_in_utc() -> None:
    # 00:30 on 1 January in Berlin is still December in UTC: the month before is November.
    berlin_new_year = datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))

    assert previous_month(berlin_new_year) == date(2026, 11, 1)


def test_a_naive_time_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        previous_month(datetime(2026, 12, 10, 3, 0))


@given(st.datetimes(min_value=datetime(1971, 1, 1), timezones=st.just(UTC)))
def test_the_previous_month_is_the_first_day_of_the_month_just_before(moment: datetime) -> None:
    month = previous_month(moment)

    assert month.day == 1
    assert (moment.year * 12 + moment.month) - (month.year * 12 + month.month) == 1


def test_month_label() -> None:
    assert month_label(date(2026, 11, 1)) == "2026-11"


def test_one_request_per_registered_prefix_narrowed_to_the_month() -> None:
    project = finance_project(
        sources=(
            SourceLocation(bucket="finance-reports-src", prefixes=("daily/", "monthly/")),
            SourceLocation(bucket="finance-ledger"),
        )
    )

    requests = scheduled_requests(project, date(2026, 11, 1))

    assert [(r.bucket_name, r.prefix) for r in requests] == [
        ("finance-reports-src", "daily/202611"),
        ("finance-reports-src", "monthly/202611"),
        ("finance-ledger", "202611"),
    ]
    assert all(r.project_name == "finance" and r.storage_class is None for r in requests)


def test_the_period_format_is_the_projects() -> None:
    project = finance_project(schedule=MonthlySchedule(period_format="{year:04d}/{month:02d}/"))

    (daily, _) = scheduled_requests(project, date(2025, 12, 1))

    assert daily.prefix == "daily/2025/12/"


@pytest.mark.parametrize("schedule", [None, MonthlySchedule(enabled=False)])
def test_an_unscheduled_project_has_no_requests(schedule: MonthlySchedule | None) -> None:
    assert scheduled_requests(finance_project(schedule=schedule), date(2026, 11, 1)) == []


def test_a_run_without_jobs_is_started() -> None:
    assert skip_reason(None) is None


@pytest.mark.parametrize("status", [JobStatus.FAILED, JobStatus.PLANNED])
def test_a_run_whose_newest_job_archived_nothing_is_started_again(status: JobStatus) -> None:
    assert skip_reason(job_record(status=status)) is None


def test_a_succeeded_run_is_skipped() -> None:
    reason = skip_reason(job_record("job-1", status=JobStatus.SUCCEEDED))

    assert reason == "already archived by job job-1"


@pytest.mark.parametrize("status", [JobStatus.SUBMITTED, JobStatus.PLANNING, JobStatus.PACKING])
def test_a_running_run_is_skipped(status: JobStatus) -> None:
    assert skip_reason(job_record("job-1", status=status)) == f"job job-1 is still {status.value}"
