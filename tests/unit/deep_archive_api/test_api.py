"""The archive API handler against in-memory stores and launcher."""

from __future__ import annotations

import json
from typing import Any

import pytest

from strongroom.core.observability import metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.adapters.job_launcher import LaunchFailed
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.handlers import api
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.deep_archive_api.support import (
    ACCOUNT,
    DEFAULT_SCOPES,
    REGION,
    Fakes,
    fakes,
    finance_project,
    http_event,
    job_record,
)

FIRST_JOB = "00000000-0000-4000-8000-000000000001"
UNKNOWN_JOB = "00000000-0000-4000-8000-000000000777"
SEED_REQUEST = {
    "project_name": "finance",
    "bucket_name": "finance-reports-src",
    "prefix": "daily/20250410",
    "file_count": 50000,
    "archive_size": 500,
    "account": ACCOUNT,
    "region": REGION,
    "storage_class": "GLACIER",
    "output_prefix": "finance-20250410",
}


# Reads emit no metric, and Powertools warns about an empty flush each time.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")


@pytest.fixture(autouse=True)
def _metrics_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")


@pytest.fixture
def bound(monkeypatch: pytest.MonkeyPatch) -> Fakes:
    bound = fakes(finance_project())
    monkeypatch.setattr(wiring, "ports", lambda: bound.ports)
    return bound


def call(method: str, path: str, body: Any | None = None) -> tuple[int, dict[str, str], Any]:
    response = api.handler(http_event(method, path, body), FakeLambdaContext())
    return response["statusCode"], response["headers"], json.loads(response["body"])


def archive(**changes: Any) -> tuple[int, dict[str, str], Any]:
    body = {**SEED_REQUEST, **changes}
    return call(
        "POST", "/archive", {name: value for name, value in body.items() if value is not None}
    )


def test_the_seeds_request_starts_a_job(bound: Fakes) -> None:
    status, headers, body = archive()

    assert status == 202
    assert body == {
        "job_id": FIRST_JOB,
        "status": "SUBMITTED",
        "status_url": f"/jobs/{FIRST_JOB}",
    }
    assert headers["Location"] == f"/jobs/{FIRST_JOB}"
    (job,) = bound.jobs.jobs()
    assert job.job_id == FIRST_JOB
    assert job.status is JobStatus.SUBMITTED
    assert job.settings.run_key == "finance#finance-reports-src#daily/20250410"
    assert (job.settings.storage_class, job.settings.output_prefix) == (
        "GLACIER",
        "finance-20250410",
    )
    assert job.settings.max_bytes == 500 * 1_048_576
    assert job.settings.trigger == "api"
    (submission,) = bound.launcher.submissions
    assert (submission.job_id, submission.job_name, submission.array_size) == (
        FIRST_JOB,
        f"deep-archive-{FIRST_JOB}",
        None,
    )
    assert job.batch_job_ids == [submission.batch_job_id]


@pytest.mark.parametrize(
    ("changes", "location", "rule"),
    [
        ({"file_count": 0}, ["body", "file_count"], "greater_than_equal"),
        ({"bucket_name": None}, ["body", "bucket_name"], "missing"),
        ({"project_name": "Finance Team"}, ["body", "project_name"], "string_pattern_mismatch"),
        ({"region": "Mars"}, ["body", "region"], "string_pattern_mismatch"),
        ({"delete_sources": True}, ["body", "delete_sources"], "extra_forbidden"),
    ],
)
def test_an_invalid_field_is_422_naming_it(
    bound: Fakes, changes: dict[str, Any], location: list[str], rule: str
) -> None:
    status, _, body = archive(**changes)

    assert status == 422
    assert (location, rule) in [(problem["loc"], problem["type"]) for problem in body["detail"]]
    assert f"{'.'.join(location)}: " in body["message"]
    assert bound.jobs.jobs() == []


@pytest.mark.parametrize("field", ["expected_files", "expected_bytes"])
def test_an_expected_count_too_large_to_record_is_422_and_claims_nothing(
    bound: Fakes, field: str
) -> None:
    status, _, body = archive(**{field: 10**38})

    assert status == 422
    assert (["body", field], "less_than_equal") in [
        (problem["loc"], problem["type"]) for problem in body["detail"]
    ]
    assert bound.jobs.jobs() == []
    assert bound.jobs.run_holder("finance#finance-reports-src#daily/20250410") is None


DELETE = "deep_archive/delete"


def archive_with(scopes: tuple[str, ...], **changes: Any) -> tuple[int, Any]:
    event = http_event("POST", "/archive", {**SEED_REQUEST, **changes}, scopes=scopes)
    response = api.handler(event, FakeLambdaContext())
    return response["statusCode"], json.loads(response["body"])


def test_delete_source_without_the_delete_scope_is_403_naming_it(bound: Fakes) -> None:
    status, body = archive_with(DEFAULT_SCOPES, delete_source=True)

    assert status == 403
    assert body["missing_scopes"] == [DELETE]
    assert DELETE in body["message"]
    assert bound.jobs.jobs() == []
    assert bound.launcher.submissions == []


def test_delete_source_with_both_scopes_starts_the_job(bound: Fakes) -> None:
    status, body = archive_with((*DEFAULT_SCOPES, DELETE), delete_source=True)

    assert status == 202, body
    (job,) = bound.jobs.jobs()
    assert job.settings.delete_source is True


@pytest.mark.parametrize("delete_source", [False, True])
def test_the_delete_scope_alone_does_not_archive(bound: Fakes, delete_source: bool) -> None:
    """The route admits either scope (so the dev token holds both); archiving needs archive."""
    status, body = archive_with((DELETE,), delete_source=delete_source)

    assert status == 403
    assert "deep_archive/archive" in body["missing_scopes"]
    assert bound.jobs.jobs() == []


def test_the_scope_claim_is_read_when_the_scopes_list_is_absent(bound: Fakes) -> None:
    event = http_event("POST", "/archive", {**SEED_REQUEST, "delete_source": True})
    event["requestContext"]["authorizer"]["jwt"]["scopes"] = None
    event["requestContext"]["authorizer"]["jwt"]["claims"]["scope"] += f" {DELETE}"

    assert api.handler(event, FakeLambdaContext())["statusCode"] == 202


def test_a_body_that_is_not_json_is_422(bound: Fakes) -> None:
    status, _, body = call("POST", "/archive", '{"project_name": "finance" "bucket_name": "x"}')

    assert status == 422
    assert body["detail"][0]["type"] == "json_invalid"
    assert bound.jobs.jobs() == []


def test_an_unknown_storage_class_is_400_listing_the_allowed(bound: Fakes) -> None:
    status, _, body = archive(storage_class="TAPE")

    assert status == 400
    assert body["field"] == "storage_class"
    assert body["given"] == "TAPE"
    assert body["allowed"] == ["DEEP_ARCHIVE", "GLACIER", "GLACIER_IR", "STANDARD_IA"]
    assert "DEEP_ARCHIVE, GLACIER, GLACIER_IR, STANDARD_IA" in body["message"]
    assert bound.launcher.submissions == []


def test_an_unregistered_project_is_403(bound: Fakes) -> None:
    status, _, body = archive(project_name="payroll")

    assert status == 403
    assert body["project"] == "payroll"
    assert body["message"] == "project 'payroll' is not registered"
    assert bound.jobs.jobs() == []


def test_an_unregistered_bucket_is_403_naming_what_is_registered(bound: Fakes) -> None:
    status, _, body = archive(bucket_name="payroll-src")

    assert status == 403
    assert (body["bucket"], body["prefix"]) == ("payroll-src", "daily/20250410")
    assert body["registered"] == [
        {"bucket": "finance-reports-src", "prefixes": ["daily/", "monthly/"]}
    ]
    assert "'payroll-src'" in body["message"]
    assert bound.launcher.submissions == []


def test_a_prefix_outside_the_registered_ones_is_403(bound: Fakes) -> None:
    status, _, body = archive(prefix="private/2025")

    assert status == 403
    assert body["prefix"] == "private/2025"
    assert bound.jobs.jobs() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"region": "us-east-1"}, "region"), ({"account": "210987654321"}, "account")],
)
def test_another_region_or_account_is_422_naming_the_field(
    bound: Fakes, changes: dict[str, str], field: str
) -> None:
    status, _, body = archive(**changes)

    assert status == 422
    (detail,) = body["detail"]
    assert detail["loc"] == ["body", field]
    assert detail["type"] == "deployment_mismatch"
    assert changes[field] in detail["msg"]
    assert bound.jobs.jobs() == []


@pytest.mark.parametrize("running", [JobStatus.SUBMITTED, JobStatus.PLANNING, JobStatus.PACKING])
def test_a_second_job_for_a_running_prefix_is_409_naming_the_first(
    bound: Fakes, running: JobStatus
) -> None:
    bound.jobs.create(job_record("first", status=running, prefix="daily/20250410"))

    status, _, body = archive()

    assert status == 409
    assert body["job_id"] == "first"
    assert body["status"] == running.value
    assert body["status_url"] == "/jobs/first"
    assert body["run_key"] == "finance#finance-reports-src#daily/20250410"
    assert [job.job_id for job in bound.jobs.jobs()] == ["first"]
    assert bound.launcher.submissions == []


@pytest.mark.parametrize("finished", [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.PLANNED])
def test_a_finished_job_does_not_block_another(bound: Fakes, finished: JobStatus) -> None:
    bound.jobs.create(job_record("first", status=finished, prefix="daily/20250410"))

    status, _, _ = archive()

    assert status == 202
    assert len(bound.launcher.submissions) == 1


def test_a_job_for_another_prefix_does_not_block(bound: Fakes) -> None:
    bound.jobs.create(job_record("first", status=JobStatus.PACKING, prefix="daily/20250409"))

    assert archive()[0] == 202


def test_a_job_batch_refuses_is_failed_and_the_answer_is_502(bound: Fakes) -> None:
    bound.launcher.fail_with = LaunchFailed(
        "x", "ClientException: job queue is DISABLED", transient=False
    )

    status, headers, body = archive()

    assert status == 502
    assert body["job_id"] == FIRST_JOB
    assert body["status_url"] == f"/jobs/{FIRST_JOB}"
    assert body["reason"] == "ClientException: job queue is DISABLED"
    assert "Retry-After" not in headers
    job = bound.jobs.get(FIRST_JOB)
    assert job is not None
    assert job.status is JobStatus.FAILED
    assert "job queue is DISABLED" in (job.status_reason or "")


def test_batch_unavailable_is_503_with_retry_after_and_a_retry_is_accepted(
    bound: Fakes,
) -> None:
    bound.launcher.fail_with = LaunchFailed("x", "ThrottlingException: slow down", transient=True)

    status, headers, _ = archive()

    assert status == 503
    assert headers["Retry-After"] == "30"
    bound.launcher.fail_with = None
    assert archive()[0] == 202


def test_an_unknown_job_is_404(bound: Fakes) -> None:
    status, _, body = call("GET", f"/jobs/{UNKNOWN_JOB}")

    assert status == 404
    assert body == {"message": f"no archive job {UNKNOWN_JOB!r}", "job_id": UNKNOWN_JOB}


def test_a_malformed_job_id_is_422(bound: Fakes) -> None:
    status, _, body = call("GET", "/jobs/not-a-job")

    assert status == 422
    assert [(problem["loc"], problem["type"]) for problem in body["detail"]] == [
        (["path", "job_id"], "string_pattern_mismatch")
    ]


def test_a_job_shows_its_status_settings_progress_and_errors(bound: Fakes) -> None:
    archive(dry_run=False, workers=2)
    bound.jobs.set_status(FIRST_JOB, JobStatus.PLANNING, allowed_from={JobStatus.SUBMITTED})
    bound.jobs.set_plan(
        FIRST_JOB,
        counts={
            "files_listed": 10,
            "files_planned": 9,
            "bytes_planned": 900,
            "archives_planned": 1,
        },
        archive_keys=["finance-20250410/archive-000000.zip"],
        estimate={"monthly_storage_usd": 0.25, "archives": 1},
    )
    bound.jobs.set_status(FIRST_JOB, JobStatus.PACKING, allowed_from={JobStatus.PLANNING})
    bound.jobs.add_counts(FIRST_JOB, files_archived=8, files_failed=1)
    bound.jobs.append_errors(FIRST_JOB, ["daily/20250410/broken.csv: AccessDenied"])

    status, _, body = call("GET", f"/jobs/{FIRST_JOB}")

    assert status == 200
    assert body["job_id"] == FIRST_JOB
    assert body["status"] == "PACKING"
    assert body["status_reason"] is None
    assert body["run_key"] == "finance#finance-reports-src#daily/20250410"
    assert body["settings"]["storage_class"] == "GLACIER"
    assert body["settings"]["workers"] == 2
    assert body["counts"]["files_listed"] == 10
    assert body["counts"]["files_archived"] == 8
    assert body["counts"]["files_failed"] == 1
    assert body["archives"] == ["finance-20250410/archive-000000.zip"]
    assert body["errors"] == ["daily/20250410/broken.csv: AccessDenied"]
    assert body["errors_truncated"] == 0
    assert body["estimate"] == {"monthly_storage_usd": 0.25, "archives": 1}
    assert body["batch_job_ids"] == ["batch-0001"]
    assert body["created_at"] == "2026-12-01T09:00:00.000Z"
    assert body["updated_at"] > body["created_at"]


def test_other_routes_are_404(bound: Fakes) -> None:
    assert call("POST", "/restores", {"filename": "x.csv"})[0] == 404
    assert call("DELETE", "/restore")[0] == 404


def test_a_refused_request_is_counted_and_logged_an_unknown_job_is_not(
    bound: Fakes, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    status, _, _ = archive(project_name="nobody")

    assert status == 403
    assert "ArchiveRequestsRefused" in capsys.readouterr().out
    assert "archive refused: project not registered" in caplog.messages

    status, _, _ = call("GET", f"/jobs/{UNKNOWN_JOB}")

    assert status == 404
    assert "ArchiveRequestsRefused" not in capsys.readouterr().out


def test_batch_refusing_the_planner_is_counted_and_logged(
    bound: Fakes, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    bound.launcher.fail_with = LaunchFailed(FIRST_JOB, "ClientException: no", transient=False)

    status, _, _ = archive()
    out = capsys.readouterr().out

    assert status == 502
    assert "ArchiveJobsNotLaunched" in out
    assert "planner job not submitted" in caplog.messages
    assert "ArchiveRequestsRefused" not in out
