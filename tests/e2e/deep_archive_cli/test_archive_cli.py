"""``strongroom archive ...`` against the local stack: register, submit, follow, estimate."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from strongroom.cli import app
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from tests.support.old_catalog import as_the_old_code_left_it

pytestmark = pytest.mark.e2e

SOURCE_BUCKET = "strongroom-cli-e2e-source"
PROJECT = "cli-e2e"
MONTH = "quality/202611/"
DRY_RUN_MONTH = "quality/202610/"
MONTH_FILES = 50
DRY_RUN_FILES = 10
FILES_PER_ARCHIVE = 20
JOB_ACCEPTED = re.compile(r"job ([0-9a-f-]{36}) accepted")


@pytest.fixture(scope="module")
def state(local_stack: LocalStack) -> list[str]:
    return ["--state-dir", str(local_stack.options.state_dir)]


def archive(state: list[str], *args: str) -> Result:
    return CliRunner().invoke(app, ["archive", *args, *state], catch_exceptions=False)


def words(result: Result) -> str:
    """The output with rich's line wrapping undone, for asserting on sentences."""
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def source(aws: Any) -> dict[str, int]:
    """Two months of quality-checked files, plus a folder the project never registered."""
    s3 = aws("s3")
    s3.create_bucket(
        Bucket=SOURCE_BUCKET,
        CreateBucketConfiguration={"LocationConstraint": s3.meta.region_name},
    )
    sizes: dict[str, int] = {}
    for prefix, count in ((MONTH, MONTH_FILES), (DRY_RUN_MONTH, DRY_RUN_FILES), ("other/", 3)):
        for index in range(count):
            key = f"{prefix}report-{index:03d}.csv"
            body = f"{key}\n".encode() * (20 + 37 * index)
            s3.put_object(Bucket=SOURCE_BUCKET, Key=key, Body=body)
            sizes[key] = len(body)
    return sizes


@pytest.fixture(scope="module")
def registered(state: list[str], source: dict[str, int]) -> str:
    result = archive(
        state,
        "project",
        "put",
        PROJECT,
        "--source-bucket",
        SOURCE_BUCKET,
        "--prefix",
        "quality/",
        "--output-prefix",
        "cli-e2e-vault",
        "--file-count",
        str(FILES_PER_ARCHIVE),
    )
    assert result.exit_code == 0, result.output
    return PROJECT


def submitted_job_id(result: Result) -> str:
    found = JOB_ACCEPTED.search(result.output)
    assert found is not None, result.output
    return found.group(1)


def test_a_project_is_registered_then_replaced_and_listed(state: list[str]) -> None:
    put = ["project", "put", "cli-e2e-put", "--source-bucket", SOURCE_BUCKET, "--prefix", "a/"]

    first = archive(state, *put)
    again = archive(state, *put)
    replaced = archive(state, *put, "--prefix", "b/", "--schedule")
    listed = archive(state, "project", "list", "--json")

    assert first.exit_code == 0, first.output
    assert "registered project 'cli-e2e-put'" in words(first)
    assert "already registered exactly so" in words(again)
    assert replaced.exit_code == 0, replaced.output
    assert "replaced the previous registration of 'cli-e2e-put'" in words(replaced)
    assert "changed: sources, schedule" in words(replaced)
    (project,) = [entry for entry in json.loads(listed.stdout) if entry["name"] == "cli-e2e-put"]
    assert project["sources"] == [{"bucket": SOURCE_BUCKET, "prefixes": ["a/", "b/"]}]
    assert project["schedule"] == {"enabled": True, "period_format": "{year:04d}{month:02d}"}


@pytest.fixture(scope="module")
def month_job(state: list[str], registered: str) -> Result:
    """The month's job, submitted and followed to its end (once for the module)."""
    return archive(
        state,
        "submit",
        "--project",
        registered,
        "--bucket",
        SOURCE_BUCKET,
        "--prefix",
        MONTH,
        "--expected-files",
        str(MONTH_FILES),
        "--poll-seconds",
        "0.5",
    )


def test_a_submitted_job_is_followed_until_it_succeeds(
    state: list[str], month_job: Result, aws: Any, endpoints: Endpoints
) -> None:
    result = month_job

    assert result.exit_code == 0, result.output
    assert "SUCCEEDED" in result.output
    job_id = submitted_job_id(result)
    status = archive(state, "status", job_id, "--json")
    assert status.exit_code == 0, status.output
    body = json.loads(status.stdout)
    assert body["job_id"] == job_id
    assert body["status"] == "SUCCEEDED"
    assert body["settings"]["bucket"] == SOURCE_BUCKET
    assert body["settings"]["prefix"] == MONTH
    assert body["counts"]["files_archived"] == MONTH_FILES
    assert body["counts"]["archives_done"] == 3
    assert body["errors"] == []
    archive_bucket = endpoints.outputs["deep_archive"]["ArchiveBucketName"]
    for key in body["archives"]:
        assert key.startswith("cli-e2e-vault/")
        assert aws("s3").head_object(Bucket=archive_bucket, Key=key)["ContentLength"] > 0
    shown = archive(state, "status", job_id)
    assert job_id in shown.output
    assert "3 / 3" in shown.output


def test_catalog_migrate_brings_an_old_style_catalog_into_the_new_one(
    state: list[str], month_job: Result, aws: Any, endpoints: Endpoints
) -> None:
    # Given the month's archives as the code before decision 0013 left them: no Parquet
    # manifests, no archive records (only per-file items and JSON Lines manifests)
    outputs = endpoints.outputs["deep_archive"]
    archive_bucket, table = outputs["ArchiveBucketName"], outputs["CatalogTableName"]
    job_id = submitted_job_id(month_job)
    body = json.loads(archive(state, "status", job_id, "--json").stdout)
    s3, dynamodb = aws("s3"), aws("dynamodb")
    record_keys = (
        f"JOBS#{PROJECT}#{SOURCE_BUCKET}",
        f"ARCHIVES#{PROJECT}#{SOURCE_BUCKET}#{job_id}",
    )
    # _catalog/project=<project>/<job>-part-NNNNNN.parquet, as docs/deep_archive.md says
    manifests = [
        f"_catalog/project={PROJECT}/{job_id}-{key.rpartition('/')[2].removesuffix('.zip')}.parquet"
        for key in body["archives"]
    ]
    as_the_old_code_left_it(
        s3,
        dynamodb,
        catalog_table=table,
        archive_bucket=archive_bucket,
        project=PROJECT,
        job_id=job_id,
        archives=body["archives"],
    )
    assert _items(dynamodb, table, *record_keys) == []

    # When the migration runs, twice
    first = archive(state, "catalog-migrate", "--project", PROJECT)
    second = archive(state, "catalog-migrate", "--project", PROJECT)

    # Then each archive has its Parquet manifest (Standard-IA) and its record again
    assert first.exit_code == 0, first.output
    assert "3 Parquet manifests written, 3 archive records written" in words(first)
    assert "0 Parquet manifests written, 3 archive records written" in words(second)
    for key in manifests:
        head = s3.head_object(Bucket=archive_bucket, Key=key)
        assert head["StorageClass"] == "STANDARD_IA"
    records = _items(dynamodb, table, record_keys[1])
    assert sorted(item["archive_key"]["S"] for item in records) == sorted(body["archives"])


def _items(dynamodb: Any, table: str, *partitions: str) -> list[dict[str, Any]]:
    """Every item of the Catalog table's ``partitions``."""
    return [
        item
        for partition in partitions
        for page in dynamodb.get_paginator("query").paginate(
            TableName=table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": partition}},
        )
        for item in page["Items"]
    ]


def test_a_dry_run_ends_planned_with_its_cost_estimate(state: list[str], registered: str) -> None:
    result = archive(
        state,
        "submit",
        "--project",
        registered,
        "--bucket",
        SOURCE_BUCKET,
        "--prefix",
        DRY_RUN_MONTH,
        "--dry-run",
        "--poll-seconds",
        "0.5",
    )

    assert result.exit_code == 0, result.output
    assert "PLANNED" in result.output
    assert "cost estimate" in result.output
    assert "lifecycle per object" in result.output
    assert "verdict" in result.output


def test_a_job_that_does_not_match_the_quality_check_exits_1(
    state: list[str], registered: str
) -> None:
    result = archive(
        state,
        "submit",
        "--project",
        registered,
        "--bucket",
        SOURCE_BUCKET,
        "--prefix",
        DRY_RUN_MONTH,
        "--expected-files",
        str(DRY_RUN_FILES + 1),
        "--poll-seconds",
        "0.5",
    )

    assert result.exit_code == 1, result.output
    assert "FAILED" in result.output
    assert f"expected_files is {DRY_RUN_FILES + 1}" in words(result)


def test_no_wait_prints_the_job_id_and_status_reads_it(state: list[str], registered: str) -> None:
    result = archive(
        state,
        "submit",
        "--project",
        registered,
        "--bucket",
        SOURCE_BUCKET,
        "--prefix",
        "quality/202609/",
        "--dry-run",
        "--no-wait",
    )

    assert result.exit_code == 0, result.output
    job_id = submitted_job_id(result)
    assert f"strongroom archive status {job_id}" in result.output
    status = archive(state, "status", job_id, "--json")
    assert json.loads(status.stdout)["job_id"] == job_id


def test_an_unregistered_prefix_is_refused_with_the_apis_403(
    state: list[str], registered: str
) -> None:
    result = archive(
        state, "submit", "--project", registered, "--bucket", SOURCE_BUCKET, "--prefix", "other/"
    )

    assert result.exit_code == 1
    assert "HTTP 403" in words(result)
    assert f"project '{PROJECT}' has not registered bucket '{SOURCE_BUCKET}'" in words(result)


def test_an_unknown_storage_class_is_refused_with_the_allowed_ones(
    state: list[str], registered: str
) -> None:
    result = archive(
        state,
        "submit",
        "--project",
        registered,
        "--bucket",
        SOURCE_BUCKET,
        "--prefix",
        MONTH,
        "--storage-class",
        "ONEZONE_IA",
    )

    assert result.exit_code == 1
    assert "HTTP 400" in words(result)
    assert "DEEP_ARCHIVE, GLACIER, GLACIER_IR, STANDARD_IA" in words(result)


def test_an_unknown_job_is_a_404(state: list[str]) -> None:
    result = archive(state, "status", "00000000-0000-4000-8000-00000000dead")

    assert result.exit_code == 1
    assert "HTTP 404" in words(result)


def test_the_estimate_lists_the_source_and_prints_the_cost_table(
    state: list[str], source: dict[str, int]
) -> None:
    result = archive(
        state,
        "estimate",
        "--bucket",
        SOURCE_BUCKET,
        "--prefix",
        "quality/",
        "--file-count",
        str(FILES_PER_ARCHIVE),
        "--storage-class",
        "GLACIER",
    )

    assert result.exit_code == 0, result.output
    files = MONTH_FILES + DRY_RUN_FILES
    assert f"{files} objects" in words(result)
    assert f"{-(-files // FILES_PER_ARCHIVE)} archives" in words(result)
    assert "object sizes" in result.output
    assert "cost estimate" in result.output
    assert "packed archives" in result.output
    assert "verdict" in result.output
