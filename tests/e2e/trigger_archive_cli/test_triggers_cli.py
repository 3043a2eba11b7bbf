"""``strongroom triggers ...`` against the local stack: the function invoked through Lambda's
Invoke API on the stack's endpoint, the DEX API and Mediant stand-ins behind it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from strongroom.cli import app
from strongroom.local.stack import LocalStack
from strongroom.local.standins.dex_api import DexApiStandIn
from strongroom.local.standins.mediant_db import DEMO_CLIENTS, SELECTED_DEMO_CLIENT_IDS

pytestmark = pytest.mark.e2e

SELECTED = sorted(SELECTED_DEMO_CLIENT_IDS)
NAMES = {client.client_id: client.name for client in DEMO_CLIENTS}
FAILING = 1005


@pytest.fixture(scope="module")
def state(local_stack: LocalStack) -> list[str]:
    return ["--state-dir", str(local_stack.options.state_dir)]


@pytest.fixture
def dex_api(local_stack: LocalStack) -> Iterator[DexApiStandIn]:
    """The DEX API stand-in, its faults cleared again after the test."""
    yield local_stack.standins.dex_api
    local_stack.standins.dex_api.reset()


def triggers(state: list[str], *args: str) -> Result:
    # A wide terminal: a table row stays on one line, so its cells can be read back.
    runner = CliRunner(env={"COLUMNS": "220"})
    return runner.invoke(app, ["triggers", *args, *state], catch_exceptions=False)


def words(result: Result) -> str:
    """The output with rich's line wrapping undone, for asserting on sentences."""
    return " ".join(result.output.split())


def archived_keys(aws: Any, bucket: str, stamp: str) -> set[str]:
    listed = aws("s3").list_objects_v2(Bucket=bucket, Prefix="trigger/")
    return {item["Key"] for item in listed.get("Contents", []) if item["Key"].endswith(stamp)}


@pytest.fixture(scope="module")
def bucket(local_stack: LocalStack) -> str:
    assert local_stack.endpoints is not None
    name: str = local_stack.endpoints.outputs["trigger_archive"]["ArchiveBucketName"]
    return name


def test_one_day_archives_every_selected_client(
    state: list[str], aws: Any, bucket: str, dex_api: DexApiStandIn
) -> None:
    result = triggers(state, "run", "--date", "2026-11-02")

    assert result.exit_code == 0, result.output
    assert "200 all archived" in result.output
    row = next(line for line in result.output.splitlines() if "2026-11-02" in line)
    cells = [cell.strip() for cell in row.split("│")]
    assert cells[3:9] == ["8", "8", "0", "0", "0", "0"], row  # total, archived, ... not attempted
    assert archived_keys(aws, bucket, "_trigger_20261102.json") == {
        f"trigger/{client}/{client}_trigger_20261102.json" for client in SELECTED
    }


def test_a_client_reruns_alone_and_is_reported_unchanged(
    state: list[str], dex_api: DexApiStandIn
) -> None:
    first = triggers(state, "run", "--date", "2026-11-03")
    rerun = triggers(state, "run", "--date", "2026-11-03", "--client", "1003", "--json")

    assert first.exit_code == 0, first.output
    assert rerun.exit_code == 0, rerun.output
    (body,) = json.loads(rerun.stdout)
    assert body["trigger_date"] == "2026-11-03"
    assert body["total_clients"] == 1
    assert body["successful_archives"] == 1
    assert body["unchanged"] == 1
    assert body["errors"] == []


def test_no_date_archives_today_as_the_seed_does(state: list[str], dex_api: DexApiStandIn) -> None:
    before = datetime.now(UTC).date().isoformat()
    result = triggers(state, "run", "--client", "1002", "--json")
    after = datetime.now(UTC).date().isoformat()

    assert result.exit_code == 0, result.output
    (body,) = json.loads(result.stdout)
    assert body["trigger_date"] in {before, after}
    assert body["total_clients"] == 1


def test_a_range_runs_once_per_day_and_prints_the_bodies(
    state: list[str], dex_api: DexApiStandIn
) -> None:
    result = triggers(state, "run", "--from", "2026-11-09", "--to", "2026-11-11", "--json")

    assert result.exit_code == 0, result.output
    bodies = json.loads(result.stdout)
    assert [body["trigger_date"] for body in bodies] == ["2026-11-09", "2026-11-10", "2026-11-11"]
    for body in bodies:
        assert body["total_clients"] == len(SELECTED)
        assert body["successful_archives"] == len(SELECTED)
        assert body["failed_archives"] == 0
        assert body["run_id"]


def test_a_failing_client_exits_1_and_names_its_error(
    state: list[str], dex_api: DexApiStandIn
) -> None:
    dex_api.set_faults(failing_client_ids=[FAILING])

    result = triggers(state, "run", "--date", "2026-11-04")

    assert result.exit_code == 1, result.output
    assert "207 some clients failed" in result.output
    error_row = next(line for line in result.output.splitlines() if f" {FAILING} " in line)
    assert "2026-11-04" in error_row
    assert NAMES[FAILING] in error_row
    assert "500" in error_row


def test_every_client_failing_fails_the_invocation_and_exits_2(
    state: list[str], dex_api: DexApiStandIn
) -> None:
    dex_api.set_faults(failing_client_ids=SELECTED)

    result = triggers(state, "run", "--date", "2026-11-06")
    as_json = triggers(state, "run", "--date", "2026-11-06", "--client", "1001", "--json")

    assert result.exit_code == 2, result.output
    assert "invocation failed" in result.output
    assert f"none of {len(SELECTED)} clients archived" in words(result)
    assert as_json.exit_code == 2, as_json.output
    (payload,) = json.loads(as_json.stdout)
    assert payload["trigger_date"] == "2026-11-06"
    assert payload["function_error"] == "Unhandled"
    assert "none of 1 clients archived" in payload["errorMessage"]


def test_list_and_show_a_changed_response_with_its_two_versions(
    state: list[str], aws: Any, bucket: str, dex_api: DexApiStandIn
) -> None:
    assert triggers(state, "run", "--date", "2026-11-05").exit_code == 0
    dex_api.bump_revision(1001)
    rerun = triggers(state, "run", "--date", "2026-11-05", "--client", "1001", "--json")
    assert json.loads(rerun.stdout)[0]["changed"] == 1

    listed = triggers(state, "list", "--date", "2026-11-05", "--json")
    shown = triggers(state, "show", "1001", "2026-11-05", "--json")
    table = triggers(state, "show", "1001", "2026-11-05")

    assert listed.exit_code == 0, listed.output
    rows = {row["client_id"]: row for row in json.loads(listed.stdout)}
    assert sorted(rows) == SELECTED
    assert rows[1001]["versions"] == 2
    assert {rows[client]["versions"] for client in SELECTED if client != 1001} == {1}
    key = "trigger/1001/1001_trigger_20261105.json"
    stored = aws("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    assert rows[1001]["key"] == key
    assert rows[1001]["size"] == len(stored)
    assert rows[1001]["sha256"] == hashlib.sha256(stored).hexdigest()

    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.stdout)
    assert detail["client_id"] == "1001"
    assert detail["trigger_date"] == "2026-11-05"
    assert detail["sha256"] == hashlib.sha256(stored).hexdigest()
    assert detail["body"] == json.loads(stored)
    newest, oldest = detail["versions"]
    assert newest["is_latest"]
    assert not oldest["is_latest"]
    assert detail["version_id"] == newest["version_id"]

    older = triggers(state, "show", "1001", "2026-11-05", "--version-id", oldest["version_id"])
    older_json = triggers(
        state, "show", "1001", "2026-11-05", "--version-id", oldest["version_id"], "--json"
    )
    assert older.exit_code == 0, older.output
    assert json.loads(older_json.stdout)["body"] != detail["body"]
    assert table.exit_code == 0, table.output
    assert key in table.output
    assert oldest["version_id"] in table.output
    assert "body" in table.output


def test_list_in_a_table_and_a_missing_response(state: list[str], dex_api: DexApiStandIn) -> None:
    assert triggers(state, "run", "--date", "2026-11-12", "--client", "1007").exit_code == 0

    listed = triggers(state, "list", "--date", "2026-11-12")
    nothing = triggers(state, "list", "--date", "2025-01-01")
    missing = triggers(state, "show", "1008", "2026-11-12")

    assert listed.exit_code == 0, listed.output
    assert "trigger/1007/1007_trigger_20261112.json" in listed.output
    assert "1008" not in listed.output
    assert "nothing archived for 2025-01-01" in words(nothing)
    assert missing.exit_code == 1
    assert "client 1008's response for 2026-11-12 is not archived" in words(missing)
