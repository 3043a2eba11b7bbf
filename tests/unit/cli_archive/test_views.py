"""Job reports, estimates and projects rendered from the API's and the domain's own data."""

from __future__ import annotations

import pytest

from strongroom.cli.archive_views import (
    ARCHIVES_SHOWN,
    estimate_report,
    estimate_table,
    histogram_rows,
    histogram_table,
    human_bytes,
    job_report,
    job_succeeded,
    project_table,
    projects_table,
)
from strongroom.deep_archive.domain.cost import estimate
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.domain.projects import MonthlySchedule, Project, SourceLocation
from tests.support.listing import tallied
from tests.unit.cli_archive.support import (
    JOB_ID,
    job_body,
    planner_estimate,
    rendered,
    source_object,
)

OBJECTS = [source_object(f"daily/202611/file-{index:02d}.csv", 2_000) for index in range(10)]


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 B"),
        (1023, "1,023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (500 * 1_048_576, "500.0 MiB"),
        (3 * 1024**4, "3.0 TiB"),
    ],
)
def test_sizes_are_shown_in_binary_units(size: int, shown: str) -> None:
    assert human_bytes(size) == shown


@pytest.mark.parametrize(
    ("status", "dry_run", "succeeded"),
    [
        (JobStatus.SUCCEEDED, False, True),
        (JobStatus.PLANNED, True, True),
        (JobStatus.PLANNED, False, False),
        (JobStatus.FAILED, False, False),
        (JobStatus.FAILED, True, False),
        (JobStatus.PACKING, False, False),
    ],
)
def test_a_job_succeeded_only_when_it_did_what_was_asked(
    status: JobStatus, dry_run: bool, succeeded: bool
) -> None:
    assert job_succeeded(job_body(status, dry_run=dry_run)) is succeeded


def test_the_job_report_shows_status_source_counts_and_archives() -> None:
    body = job_body(
        files_listed=1_234,
        files_planned=1_234,
        files_archived=1_234,
        bytes_archived=3 * 1_048_576,
        archives_planned=2,
        archives_done=2,
    )

    text = rendered(job_report(body))

    assert "archive job" in text
    assert JOB_ID in text
    assert "SUCCEEDED" in text
    assert "s3://finance-reports-src/daily/202611" in text
    assert "1,234" in text
    assert "3.0 MiB" in text
    assert "2 / 2" in text
    assert "at most 50,000 files, 500 MB" in text
    assert f"finance-archive/finance/{JOB_ID}/part-000001.zip" in text
    assert "errors" not in text


def test_a_long_archive_list_is_cut_with_a_count_of_the_rest() -> None:
    text = rendered(job_report(job_body(archives=ARCHIVES_SHOWN + 5)))

    assert f"part-{ARCHIVES_SHOWN - 1:06d}.zip" in text
    assert f"part-{ARCHIVES_SHOWN:06d}.zip" not in text
    assert "... and 5 more" in text


def test_a_failed_job_shows_its_reason_and_every_kept_error() -> None:
    body = job_body(
        JobStatus.FAILED,
        reason="source does not match the quality check, nothing archived",
        errors=["expected_files is 10, s3://b/p holds 9"],
        errors_truncated=3,
    )

    text = rendered(job_report(body))

    assert "FAILED" in text
    assert "source does not match the quality check" in text
    assert "errors (4)" in text
    assert "expected_files is 10, s3://b/p holds 9" in text
    assert "... and 3 more not kept" in text


def test_a_dry_runs_report_includes_the_planners_estimate() -> None:
    report = planner_estimate(OBJECTS)
    body = job_body(JobStatus.PLANNED, dry_run=True, archives=0, estimate_report=report)

    text = rendered(job_report(body))

    assert "cost estimate" in text
    assert str(report["verdict"]) in text
    assert "lifecycle per object" in text
    assert "1 KiB - 10 KiB" in text
    assert "1 objects: in an archive storage class" in text
    for note in report["notes"]:
        assert note[:40] in text


def test_an_archiving_jobs_report_leaves_the_estimate_out_unless_asked() -> None:
    body = job_body(estimate_report=planner_estimate(OBJECTS))

    assert "cost estimate" not in rendered(job_report(body))
    assert "cost estimate" in rendered(job_report(body, with_estimate=True))


def test_the_estimate_table_shows_every_row_of_the_cost_model() -> None:
    cost = estimate(
        tallied(OBJECTS).summary(),
        storage_class="GLACIER",
        max_files=4,
        max_bytes=1_048_576,
    )
    rows = cost.as_rows()

    text = rendered(estimate_table(rows), width=250)

    for label, lifecycle, packed in rows:
        assert label in text
        assert lifecycle in text
        assert packed in text


def test_the_histogram_shows_each_buckets_share_and_the_totals() -> None:
    objects = [*OBJECTS, source_object("daily/big.bin", 2 * 1_048_576)]

    text = rendered(histogram_table(histogram_rows(tallied(objects).histogram())))

    assert "90.9%" in text  # 10 of 11 files between 1 and 10 KiB
    assert "9.1%" in text
    total_line = next(line for line in text.splitlines() if "total" in line)
    assert "11" in total_line
    assert human_bytes(10 * 2_000 + 2 * 1_048_576) in total_line


def test_an_empty_histogram_has_no_shares() -> None:
    text = rendered(histogram_table(histogram_rows(tallied([]).histogram())))

    assert "%" not in text
    assert "total" in text


def test_an_estimate_without_skipped_objects_says_nothing_about_them() -> None:
    report = planner_estimate(OBJECTS)
    report["skipped"] = {}

    assert "left out" not in rendered(estimate_report(report))


def test_a_project_is_shown_with_its_sources_and_schedule() -> None:
    project = Project(
        name="finance",
        sources=(SourceLocation(bucket="finance-src", prefixes=("daily/", "monthly/")),),
        schedule=MonthlySchedule(period_format="{year:04d}/{month:02d}/"),
        notification_topic_arns=("arn:aws:sns:eu-west-1:123456789012:done",),
    )
    unscheduled = Project(name="hr", sources=(SourceLocation(bucket="hr-src"),))

    one = rendered(project_table(project))
    listed = rendered(projects_table([project, unscheduled]))

    assert "s3://finance-src/daily/" in one
    assert "s3://finance-src/monthly/" in one
    assert "{year:04d}/{month:02d}/" in one
    assert "arn:aws:sns:eu-west-1:123456789012:done" in one
    assert "s3://hr-src/" in listed
    hr_line = next(line for line in listed.splitlines() if "hr-src" in line)
    assert "off" in hr_line
