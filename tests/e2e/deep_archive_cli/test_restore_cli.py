"""``strongroom restore ...`` against the local stack, on files this module archives itself."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from strongroom.cli import app
from strongroom.core.localdev import LOCAL_ACCOUNT_ID
from strongroom.deep_archive.localdev import DEMO_BUCKET, DEMO_PROJECT, demo_files, put_demo_files
from strongroom.local.api_client import ApiClient
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from tests.e2e.deep_archive.helpers import finished
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

PREFIX = "e2e-restore-cli"
FILES = 5
REPEATED_NAME = f"5000_{PREFIX}_000.csv"
ACCEPTED = re.compile(r"restore ([0-9a-f-]{36}) accepted")


@pytest.fixture(scope="module")
def state(local_stack: LocalStack) -> list[str]:
    return ["--state-dir", str(local_stack.options.state_dir)]


def restore(state: list[str], *args: str) -> Result:
    return CliRunner().invoke(app, ["restore", *args, *state], catch_exceptions=False)


def words(result: Result) -> str:
    """The output with rich's line wrapping undone, for asserting on sentences."""
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def outputs(endpoints: Endpoints) -> dict[str, str]:
    return endpoints.outputs["deep_archive"]


@dataclass(frozen=True)
class Archived:
    unique_name: str
    unique_key: str


@pytest.fixture(scope="module")
def archived(aws: Any, endpoints: Endpoints, outputs: dict[str, str]) -> Archived:
    """Demo reports in Deep Archive: one name in all four branch folders, others only once."""
    files = list(demo_files(PREFIX, FILES))
    names = Counter(file.key.rsplit("/", 1)[1] for file in files)
    assert names[REPEATED_NAME] == 4
    unique_key = next(file.key for file in files if names[file.key.rsplit("/", 1)[1]] == 1)
    put_demo_files(aws("s3"), DEMO_BUCKET, iter(files))
    api = ApiClient(outputs["ApiUrl"], endpoints.token)
    accepted = api.post(
        "archive",
        body={"project_name": DEMO_PROJECT, "bucket_name": DEMO_BUCKET, "prefix": PREFIX},
    )
    assert accepted.status == 202, accepted.body
    report = finished(api, accepted.body["job_id"])
    assert report["status"] == "SUCCEEDED", report
    assert report["counts"]["files_archived"] == len(files)
    return Archived(unique_key.rsplit("/", 1)[1], unique_key)


def _object(aws: Any, bucket: str, key: str) -> dict[str, Any]:
    response = aws("s3").get_object(Bucket=bucket, Key=key)
    return {**response, "Body": response["Body"].read()}


def test_a_name_is_restored_and_followed_until_it_is_back_byte_identical(
    state: list[str],
    aws: Any,
    endpoints: Endpoints,
    outputs: dict[str, str],
    archived: Archived,
) -> None:
    result = restore(
        state,
        "request",
        DEMO_PROJECT,
        archived.unique_name,
        "--region",
        endpoints.region,
        "--account",
        LOCAL_ACCOUNT_ID,
        "--wait",
        "--timeout",
        "60",
        "--poll-seconds",
        "0.2",
    )

    assert result.exit_code == 0, result.output
    found = ACCEPTED.search(result.output)
    assert found is not None, result.output
    restore_id = found.group(1)
    assert "COMPLETED" in result.output
    assert "1 of 1 restored, 0 failed" in words(result)
    restored = _object(
        aws, outputs["RestoreBucketName"], f"restores/{restore_id}/{archived.unique_key}"
    )
    source = _object(aws, DEMO_BUCKET, archived.unique_key)
    assert hashlib.sha256(restored["Body"]).digest() == hashlib.sha256(source["Body"]).digest()
    assert restored["ContentType"] == source["ContentType"]
    assert restored["Metadata"] == source["Metadata"]


def test_no_wait_prints_the_accepted_json_and_status_follows_it(
    state: list[str], outputs: dict[str, str], archived: Archived
) -> None:
    key = f"{PREFIX}/east/{REPEATED_NAME}"
    requested = restore(state, "request", DEMO_PROJECT, key, "--tier", "bulk", "--json")
    assert requested.exit_code == 0, requested.output
    accepted = json.loads(requested.stdout)
    restore_id = accepted["restore_id"]
    assert accepted["retrieval_tier"] == "Bulk"

    followed = restore(state, "status", restore_id, "--wait", "--json", "--poll-seconds", "0.2")

    assert followed.exit_code == 0, followed.output
    body = json.loads(followed.stdout)
    assert body["restore_id"] == restore_id
    assert body["status"] == "COMPLETED"
    assert body["counts"]["restored"] == 1
    assert body["files"][0]["location"] == (
        f"s3://{outputs['RestoreBucketName']}/restores/{restore_id}/{key}"
    )

    def notified() -> dict[str, Any]:
        shown = restore(state, "status", restore_id, "--json")
        assert shown.exit_code == 0, shown.output
        notification = json.loads(shown.stdout)["notification"]
        return dict(notification) if notification and notification["state"] == "SENT" else {}

    notification = eventually(notified)
    table = restore(state, "status", restore_id)
    assert table.exit_code == 0, table.output
    assert f"SENT, message id {notification['message_id']}" in words(table)


def test_an_unknown_name_exits_1_naming_it(state: list[str], archived: Archived) -> None:
    result = restore(state, "request", DEMO_PROJECT, archived.unique_name, "no-such-report.csv")

    assert result.exit_code == 1
    assert "HTTP 404" in words(result)
    assert "no-such-report.csv" in words(result)


def test_a_name_in_four_folders_exits_1_listing_its_keys(
    state: list[str], archived: Archived
) -> None:
    result = restore(state, "request", DEMO_PROJECT, REPEATED_NAME)

    assert result.exit_code == 1
    assert "HTTP 409" in words(result)
    for branch in ("north", "south", "east", "west"):
        assert f"{PREFIX}/{branch}/{REPEATED_NAME}" in result.output


def test_expedited_for_deep_archive_exits_1_with_the_allowed_tiers(
    state: list[str], archived: Archived
) -> None:
    result = restore(state, "request", DEMO_PROJECT, archived.unique_key, "--tier", "Expedited")

    assert result.exit_code == 1
    assert "HTTP 400" in words(result)
    assert "--tier for DEEP_ARCHIVE archives: one of Standard, Bulk" in words(result)


def test_a_topic_the_project_did_not_register_exits_1_listing_the_registered_one(
    state: list[str], endpoints: Endpoints, archived: Archived
) -> None:
    other = f"arn:aws:sns:{endpoints.region}:{LOCAL_ACCOUNT_ID}:someone-elses-topic"

    result = restore(state, "request", DEMO_PROJECT, archived.unique_key, "--topic", other)

    assert result.exit_code == 1
    assert "HTTP 403" in words(result)
    assert "strongroom-demo-restores" in words(result)


def test_an_unknown_restore_id_exits_1(state: list[str]) -> None:
    result = restore(state, "status", "00000000-0000-4000-8000-00000000dead")

    assert result.exit_code == 1
    assert "HTTP 404" in words(result)
