"""``strongroom sox ...`` against the session's local stack, as a user runs it: the stand-in
reseeded small, PG-01 invoked through Lambda's Invoke API, the run records read back, the
Parquet queried through DuckDB, a bad correction in the stand-in failing the check that
catches it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from strongroom.cli import app
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from strongroom.sox_evidence.public import last_day_of_previous_month, run_records

pytestmark = pytest.mark.e2e

ROWS = 2_000
CUTOFF = last_day_of_previous_month(datetime.now(UTC).date()).isoformat()
IPES = ["CR_05", "IPE_07", "IPE_08"]


def sox(state: list[str], *args: str) -> Result:
    # A wide terminal: a table row stays on one line, so its cells can be read back.
    runner = CliRunner(env={"COLUMNS": "220"})
    return runner.invoke(app, ["sox", *args, *state], catch_exceptions=False)


@pytest.fixture(scope="module")
def state(local_stack: LocalStack) -> list[str]:
    return ["--state-dir", str(local_stack.options.state_dir)]


@pytest.fixture(scope="module")
def nav_bi(local_stack: LocalStack) -> Path:
    url = local_stack.client("secretsmanager").get_secret_value(SecretId="DB_CREDENTIALS_NAV_BI")
    return Path(url["SecretString"].removeprefix("sqlite:///"))


@pytest.fixture(scope="module")
def bucket(endpoints: Endpoints) -> str:
    name: str = endpoints.outputs["sox_evidence"]["ResultsBucketName"]
    return name


@pytest.fixture(scope="module")
def seeded(state: list[str], nav_bi: Path) -> Result:
    """The stand-in regenerated small for this module: every run below reads 2,000 entries."""
    return sox(state, "seed", "--rows", str(ROWS))


@pytest.fixture(scope="module")
def first_run(state: list[str], seeded: Result) -> Result:
    assert seeded.exit_code == 0, seeded.output
    return sox(state, "run", "--cutoff", CUTOFF)


def answered(result: Result) -> dict[str, Any]:
    """The run's answer, from a ``--json`` run's output."""
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def test_seed_regenerates_the_standin_with_the_rows_asked(seeded: Result, nav_bi: Path) -> None:
    assert seeded.exit_code == 0, seeded.output
    assert "cust_ledger_entry" in seeded.output
    with closing(sqlite3.connect(f"file:{nav_bi}?mode=ro", uri=True)) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM cust_ledger_entry").fetchone()
    assert count == ROWS


def test_run_shows_each_ipe_and_passes_every_check(
    first_run: Result, aws: Any, bucket: str
) -> None:
    assert first_run.exit_code == 0, first_run.output
    for ipe_id in IPES:
        assert f"{ipe_id} succeeded" in first_run.output  # its progress line
    records = [r for r in run_records(aws("s3"), bucket) if r.context.trigger == "cli"]
    assert {record.ipe_id for record in records} >= set(IPES)
    for record in records:
        assert record.status == "succeeded"
        assert record.context.requester.count("@") == 1
        assert f"{record.run_id}" in first_run.output  # the final table names the run


def test_status_shows_each_ipes_last_run(state: list[str], first_run: Result) -> None:
    result = sox(state, "status", "--cutoff", CUTOFF, "--json")

    assert result.exit_code == 0, result.output
    last = {item["ipe_id"]: item["last_run"] for item in json.loads(result.stdout)}
    assert set(last) == set(IPES)
    for run in last.values():
        assert run["status"] == "succeeded"
        assert run["cutoff_date"] == CUTOFF
        assert run["checks_passed"] == run["checks_total"] > 0
        assert run["run_id"] in first_run.output


def test_query_counts_and_sums_a_run_exactly(
    state: list[str], first_run: Result, aws: Any, bucket: str
) -> None:
    (record,) = [
        r for r in run_records(aws("s3"), bucket, "IPE_07") if r.run_id in first_run.output
    ]
    sql = (
        "SELECT run_id, COUNT(*) AS entries, SUM(remaining_amount_lcy) AS remaining "
        f"FROM ipe_07 WHERE run_id = '{record.run_id}' GROUP BY run_id"
    )

    result = sox(state, "query", sql, "--json")

    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["entries"] == record.rows
    assert Decimal(row["remaining"]) == record.control_totals["remaining_amount_lcy"]


def test_bad_sql_exits_1_with_the_engines_message(state: list[str]) -> None:
    result = sox(state, "query", "SELECT nothing FROM no_such_table")

    assert result.exit_code == 1
    assert "the query failed" in " ".join(result.output.split())


@pytest.fixture
def bad_correction(nav_bi: Path, tmp_path: Path) -> Iterator[int]:
    """A DBA's correction zeroing an entry open at the cutoff without closing it; the stand-in
    is put back afterwards."""
    backup = tmp_path / "nav_bi.sqlite"
    shutil.copy2(nav_bi, backup)
    with closing(sqlite3.connect(nav_bi)) as db, db:
        entry, balance = db.execute(
            "SELECT cle.entry_no, SUM(d.amount_lcy) FROM cust_ledger_entry AS cle "
            "JOIN detailed_cust_ledg_entry AS d ON d.cust_ledger_entry_no = cle.entry_no "
            "WHERE cle.posting_date <= ? AND cle.closed_at_date > ? AND d.posting_date <= ? "
            "GROUP BY cle.entry_no ORDER BY cle.entry_no LIMIT 1",
            (CUTOFF, CUTOFF, CUTOFF),
        ).fetchone()
        db.execute(
            "INSERT INTO detailed_cust_ledg_entry SELECT MAX(entry_no) + 1, ?, 'Correction', "
            "?, ? FROM detailed_cust_ledg_entry",
            (entry, CUTOFF, -balance),
        )
    yield int(entry)
    shutil.copy2(backup, nav_bi)


def test_a_bad_correction_fails_the_witness_check_and_keeps_the_earlier_run(
    state: list[str], first_run: Result, bad_correction: int, aws: Any, bucket: str
) -> None:
    before = {r.run_id: r for r in run_records(aws("s3"), bucket, "IPE_07")}

    result = sox(state, "run", "--cutoff", CUTOFF, "--ipe", "ipe_07")

    assert result.exit_code == 1, result.output
    assert "IPE_07 failed: failed checks: witness_present" in " ".join(result.output.split())
    after = {r.run_id: r for r in run_records(aws("s3"), bucket, "IPE_07")}
    (new,) = [record for run_id, record in after.items() if run_id not in before]
    assert new.failed_checks == ["witness_present"]
    # the progress line names this run, not the earlier one of the same requester
    passed = f"{len(new.checks) - 1}/{len(new.checks)}"
    progress = f"IPE_07 failed: {new.rows:,} rows, checks {passed} passed, run {new.run_id}"
    assert progress in " ".join(result.output.split())
    assert str(bad_correction) in next(c.actual for c in new.checks if not c.passed)
    assert all(after[run_id] == record for run_id, record in before.items())
    status = sox(state, "status", "--cutoff", CUTOFF, "--json")
    last = {item["ipe_id"]: item["last_run"] for item in json.loads(status.stdout)}
    assert last["IPE_07"]["run_id"] == new.run_id
    assert last["IPE_07"]["failed_checks"] == ["witness_present"]


def test_the_athena_catalog_is_provisioned_from_the_template(
    aws: Any, endpoints: Endpoints, bucket: str
) -> None:
    outputs = endpoints.outputs["sox_evidence"]
    database, workgroup = outputs["AthenaDatabaseName"], outputs["AthenaWorkGroupName"]
    variables = aws("lambda").get_function_configuration(FunctionName="SOXAuto-PG01")[
        "Environment"
    ]["Variables"]

    table = aws("glue").get_table(DatabaseName=database, Name="ipe_07")["Table"]
    settings = aws("athena").get_work_group(WorkGroup=workgroup)["WorkGroup"]["Configuration"]

    assert variables["ATHENA_DATABASE"] == database == "jumia_sox_db"
    assert variables["ATHENA_WORKGROUP"] == workgroup
    assert table["StorageDescriptor"]["Location"] == f"s3://{bucket}/ipe/IPE_07/"
    assert table["Parameters"]["projection.run_id.type"] == "injected"
    assert settings["EnforceWorkGroupConfiguration"] is True
    assert settings["ResultConfiguration"]["OutputLocation"] == variables["ATHENA_OUTPUT_LOCATION"]
