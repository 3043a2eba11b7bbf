"""Options become the API's and the domain's models; bad ones fail naming the option."""

from __future__ import annotations

from typing import Any

import pytest

from strongroom.cli.archive_options import (
    OptionError,
    ProjectOptions,
    api_error_message,
    archive_request_body,
    build_estimate_options,
    build_project,
)
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.domain.projects import MonthlySchedule, SourceLocation
from strongroom.deep_archive.services.job_views import (
    NotLaunchedProblem,
    NotRegisteredProblem,
    RunningProblem,
    StorageClassProblem,
)
from strongroom.deep_archive.services.responses import MismatchDetail, MismatchProblem

SUBMIT = {
    "project_name": "finance",
    "bucket_name": "finance-src",
    "prefix": "daily/202611",
    "file_count": None,
    "archive_size": None,
    "storage_class": None,
    "output_prefix": None,
    "expected_files": None,
    "expected_bytes": None,
    "delete_source": False,
    "dry_run": False,
    "workers": 1,
}
ESTIMATE = {
    "bucket": "finance-src",
    "prefix": "daily/",
    "storage_class": "DEEP_ARCHIVE",
    "file_count": 50_000,
    "archive_size_mb": 500,
}


def project_options(**changes: Any) -> ProjectOptions:
    values: dict[str, Any] = {
        "name": "finance",
        "source_bucket": "finance-src",
        "prefixes": ["daily/", "monthly/"],
    }
    values.update(changes)
    return ProjectOptions(**values)


def test_project_options_become_a_project_with_one_source_and_its_prefixes() -> None:
    project = build_project(
        project_options(
            output_prefix="vault",
            storage_class="GLACIER",
            file_count=10,
            archive_size_mb=20,
            schedule=True,
            period_format="{year:04d}/{month:02d}/",
            notify_topics=["arn:aws:sns:eu-west-1:123456789012:done"],
        )
    )

    assert project.name == "finance"
    assert project.sources == (
        SourceLocation(bucket="finance-src", prefixes=("daily/", "monthly/")),
    )
    assert (project.output_prefix, project.storage_class) == ("vault", "GLACIER")
    assert (project.file_count, project.archive_size_mb) == (10, 20)
    assert project.schedule == MonthlySchedule(period_format="{year:04d}/{month:02d}/")
    assert project.notification_topic_arns == ("arn:aws:sns:eu-west-1:123456789012:done",)


def test_a_project_is_unscheduled_unless_asked_and_scheduled_with_the_default_format() -> None:
    assert build_project(project_options()).schedule is None
    assert build_project(project_options(schedule=True)).schedule == MonthlySchedule()


@pytest.mark.parametrize(
    ("changes", "option", "given"),
    [
        ({"name": "Finance Team"}, "NAME", "'Finance Team'"),
        ({"source_bucket": "/etc"}, "--source-bucket", "'/etc'"),
        ({"prefixes": ["daily/", "x" * 1025]}, "--prefix", None),
        ({"prefixes": []}, "--prefix", None),
        ({"storage_class": "STANDARD"}, "--storage-class", "'STANDARD'"),
        ({"file_count": 0}, "--file-count", "0"),
        ({"archive_size_mb": 5_000_001}, "--archive-size", "5000001"),
    ],
)
def test_a_bad_project_option_is_named_with_the_value_given(
    changes: dict[str, Any], option: str, given: str | None
) -> None:
    with pytest.raises(OptionError) as raised:
        build_project(project_options(**changes))

    message = str(raised.value)
    assert message.startswith(f"{option}: ")
    if given is not None:
        assert f"(given {given})" in message


def test_every_bad_option_is_named_at_once() -> None:
    with pytest.raises(OptionError) as raised:
        build_project(project_options(name="X", file_count=0))

    assert "NAME: " in str(raised.value)
    assert "--file-count: " in str(raised.value)


def test_an_unknown_storage_class_lists_the_allowed_ones() -> None:
    with pytest.raises(OptionError, match="DEEP_ARCHIVE"):
        build_project(project_options(storage_class="ONEZONE_IA"))


def test_a_period_format_needs_the_schedule() -> None:
    with pytest.raises(OptionError, match="--period-format only applies with --schedule"):
        build_project(project_options(period_format="{year}{month:02d}"))


@pytest.mark.parametrize("period_format", ["{yr}{month}", "{0}", "{year:x>}{month:q}", "{year.x}"])
def test_a_period_format_that_cannot_format_a_month_is_refused(period_format: str) -> None:
    with pytest.raises(OptionError, match="does not format a month"):
        build_project(project_options(schedule=True, period_format=period_format))


@pytest.mark.parametrize("period_format", ["{year:04d}", "{month:02d}", "monthly/"])
def test_a_period_format_must_tell_every_month_apart(period_format: str) -> None:
    with pytest.raises(OptionError, match="must include both"):
        build_project(project_options(schedule=True, period_format=period_format))


def test_the_archive_body_carries_only_the_options_given() -> None:
    body = archive_request_body({**SUBMIT, "storage_class": "GLACIER", "dry_run": True})

    assert body == {
        "project_name": "finance",
        "bucket_name": "finance-src",
        "prefix": "daily/202611",
        "storage_class": "GLACIER",
        "delete_source": False,
        "dry_run": True,
        "workers": 1,
    }


def test_the_archive_body_leaves_the_storage_class_to_the_api() -> None:
    # The API answers 400 listing the allowed classes: the CLI shows that answer.
    assert archive_request_body({**SUBMIT, "storage_class": "PAPER"})["storage_class"] == "PAPER"


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"workers": 0}, "--workers"),
        ({"workers": 33}, "--workers"),
        ({"file_count": 0}, "--file-count"),
        ({"archive_size": -1}, "--archive-size"),
        ({"project_name": "Finance"}, "--project"),
        ({"bucket_name": "a"}, "--bucket"),
        ({"expected_files": -1}, "--expected-files"),
        ({"expected_bytes": -5}, "--expected-bytes"),
    ],
)
def test_a_bad_submit_option_fails_before_any_call(changes: dict[str, Any], option: str) -> None:
    with pytest.raises(OptionError) as raised:
        archive_request_body({**SUBMIT, **changes})

    assert str(raised.value).startswith(f"{option}: ")


def test_estimate_options_are_checked_with_a_projects_limits() -> None:
    assert build_estimate_options(ESTIMATE).archive_size_mb == 500
    with pytest.raises(OptionError, match=r"^--archive-size: "):
        build_estimate_options({**ESTIMATE, "archive_size_mb": 0})
    with pytest.raises(OptionError, match=r"^--storage-class: "):
        build_estimate_options({**ESTIMATE, "storage_class": "STANDARD"})


def test_a_422_names_the_options_behind_the_invalid_fields() -> None:
    body = {
        "statusCode": 422,
        "message": "invalid request: ...",
        "detail": [
            {
                "loc": ["body", "file_count"],
                "msg": "Input should be greater than or equal to 1",
                "type": "greater_than_equal",
            },
            {"loc": ["path", "job_id"], "type": "string_pattern_mismatch"},
        ],
    }

    message = api_error_message(422, body)

    assert message == (
        "HTTP 422: invalid request: --file-count (body.file_count): "
        "Input should be greater than or equal to 1 [greater_than_equal]; "
        "path.job_id: string_pattern_mismatch"
    )


def test_a_deployment_mismatch_shows_the_apis_sentence() -> None:
    mismatch = "region 'us-east-1' is not this deployment's region ('eu-west-1')"
    body = MismatchProblem(
        statusCode=422,
        message=f"invalid request: body.region: {mismatch} [deployment_mismatch]",
        detail=[MismatchDetail(loc=["body", "region"], type="deployment_mismatch", msg=mismatch)],
    ).model_dump(mode="json")

    assert api_error_message(422, body) == (
        f"HTTP 422: invalid request: body.region: {mismatch} [deployment_mismatch]"
    )


def test_the_apis_messages_are_shown_with_their_status() -> None:
    storage = StorageClassProblem(
        message="storage_class 'PAPER' is not supported for archives; allowed: DEEP_ARCHIVE",
        given="PAPER",
        allowed=["DEEP_ARCHIVE"],
    )
    refused = NotRegisteredProblem(message="project 'hr' is not registered", project="hr")

    assert api_error_message(400, storage.model_dump(mode="json")) == (
        "HTTP 400: storage_class 'PAPER' is not supported for archives; allowed: DEEP_ARCHIVE"
    )
    assert api_error_message(403, refused.model_dump(mode="json")) == (
        "HTTP 403: project 'hr' is not registered"
    )


def test_a_conflict_says_how_to_follow_the_running_job() -> None:
    running = RunningProblem(
        message="job j-1 is already archiving 'finance#b#p' (PACKING); wait for it to finish",
        run_key="finance#b#p",
        job_id="j-1",
        status=JobStatus.PACKING,
        status_url="/jobs/j-1",
    )

    message = api_error_message(409, running.model_dump(mode="json"))

    assert message.startswith("HTTP 409: job j-1 is already archiving")
    assert message.endswith("follow it with: strongroom archive status j-1")


def test_a_job_batch_refused_shows_the_reason() -> None:
    problem = NotLaunchedProblem(
        message="job j-2 was not started", job_id="j-2", status_url="/jobs/j-2", reason="throttled"
    )

    assert api_error_message(503, problem.model_dump(mode="json")) == (
        "HTTP 503: job j-2 was not started; reason: throttled"
    )


@pytest.mark.parametrize(("status", "refusal"), [(401, "Unauthorized"), (403, "Forbidden")])
def test_the_gateways_refusal_points_at_the_token(status: int, refusal: str) -> None:
    message = api_error_message(status, {"message": refusal})

    assert message.startswith(f"HTTP {status}: {refusal}: the token was refused")
    assert "deep_archive/archive" in message


def test_a_body_that_is_not_json_is_shown_as_it_came() -> None:
    assert api_error_message(502, "Bad Gateway") == "HTTP 502: Bad Gateway"
    assert api_error_message(500, None) == "HTTP 500: no message"
