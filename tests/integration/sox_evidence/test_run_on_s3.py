"""PG-01 on moto's S3 and the SQLite stand-in: the Parquet read back with pyarrow and DuckDB
agrees with the source to the row and the cent; a doctored part fails its control total; a
rerun leaves the earlier run as it was."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from sqlalchemy import make_url

from strongroom.sox_evidence.adapters.nav_bi import SqlSnapshot, SqlSourceDatabase, nav_bi_engine
from strongroom.sox_evidence.adapters.results_store import S3ResultsStore
from strongroom.sox_evidence.adapters.sql_statements import Statement
from strongroom.sox_evidence.domain.requests import parse_run_request
from strongroom.sox_evidence.domain.runs import RunRecord
from strongroom.sox_evidence.services.ipe_run import ExtractionLimits
from strongroom.sox_evidence.services.pg01_run import Pg01Result, run_pg01
from strongroom.sox_evidence.services.run_records import list_runs
from tests.integration.sox_evidence.conftest import RESULTS_BUCKET

pytestmark = pytest.mark.integration

CUTOFF = date(2025, 6, 30)
LIMITS = ExtractionLimits(batch_rows=1_000, rows_per_part=2_000)
# IPE_07 in plain SQL on the stand-in, independent of the catalog: open entries at the cutoff.
IPE_07_BY_HAND = """
SELECT COUNT(*), SUM(remaining) FROM (
  SELECT e.entry_no, ROUND(SUM(d.amount_lcy), 2) AS remaining
  FROM cust_ledger_entry e JOIN detailed_cust_ledg_entry d ON d.cust_ledger_entry_no = e.entry_no
  WHERE e.posting_date <= :c AND d.posting_date <= :c
  GROUP BY e.entry_no HAVING SUM(d.amount_lcy) <> 0
)
"""


@contextmanager
def opened(path: Path) -> Iterator[SqlSourceDatabase]:
    engine = nav_bi_engine(make_url(f"sqlite:///{path}"))
    try:
        yield SqlSourceDatabase(engine)
    finally:
        engine.dispose()


def run(nav_bi: Path, store: S3ResultsStore, *ipe_ids: str) -> Pg01Result:
    event: dict[str, Any] = {"cutoff_date": CUTOFF.isoformat()}
    if ipe_ids:
        event["ipe_ids"] = list(ipe_ids)
    return run_pg01(
        parse_run_request(event, "integration-test"),
        cutoff_setting=None,
        open_source=lambda: opened(nav_bi),
        store=store,
        clock=lambda: datetime.now(UTC),
        package_version="0.1.0",
        limits=LIMITS,
    )


def downloaded_table(s3: Any, record: RunRecord) -> pa.Table:
    tables = []
    for part in record.parts:
        body = s3.get_object(Bucket=RESULTS_BUCKET, Key=part.key, VersionId=part.version_id)
        tables.append(pq.read_table(io.BytesIO(body["Body"].read())))
    return pa.concat_tables(tables)


def test_the_parquet_in_s3_has_the_sources_rows_and_totals_to_the_cent(
    s3: Any, nav_bi: Path
) -> None:
    result = run(nav_bi, S3ResultsStore(RESULTS_BUCKET, s3))
    assert result.status_code == 200, result
    record = {r.ipe_id: r for r in list_runs(S3ResultsStore(RESULTS_BUCKET, s3))}["IPE_07"]

    table = downloaded_table(s3, record)
    with sqlite3.connect(nav_bi) as db:
        rows, remaining = db.execute(IPE_07_BY_HAND, {"c": CUTOFF.isoformat()}).fetchone()

    assert len(record.parts) > 1
    assert all(part.version_id for part in record.parts)
    assert table.num_rows == record.rows == rows
    assert table.schema.field("remaining_amount_lcy").type == pa.decimal128(18, 2)
    assert table.schema.field("posting_date").type == pa.date32()
    written = pc.sum(table.column("remaining_amount_lcy")).as_py()
    assert written == Decimal(str(remaining)).quantize(Decimal("0.01"))
    assert written == record.control_totals["remaining_amount_lcy"]
    assert max(table.column("posting_date").to_pylist()) <= CUTOFF


def test_duckdb_answers_over_the_written_parts(s3: Any, nav_bi: Path) -> None:
    run(nav_bi, S3ResultsStore(RESULTS_BUCKET, s3), "IPE_08")
    record = list_runs(S3ResultsStore(RESULTS_BUCKET, s3), "IPE_08")[0]
    connection = duckdb.connect()
    connection.register("ipe_08", downloaded_table(s3, record))  # an Arrow table, not a copy

    count, outstanding, earliest = (
        connection.execute(
            "SELECT COUNT(*), SUM(outstanding_amount), MIN(expiry_date) FROM ipe_08"
            " WHERE expiry_date IS NULL OR expiry_date > ?",
            [CUTOFF],
        ).fetchone()
        or ()
    )

    assert count == record.rows
    assert outstanding == record.control_totals["outstanding_amount"]
    assert earliest > CUTOFF


def test_a_doctored_control_total_fails_that_check_only_and_the_data_is_kept(
    s3: Any, nav_bi: Path
) -> None:
    """The server's total is off by a cent (as if the ledger moved under a non-snapshot read):
    the written data is intact, only the control total check fails, naming the column."""

    class DoctoredSnapshot(SqlSnapshot):
        def one(self, statement: Statement, cutoff: date) -> dict[str, Any]:
            row = super().one(statement, cutoff)
            if statement.purpose == "control_totals":
                row["remaining_amount_lcy"] += Decimal("0.01")
            return row

    class DoctoredSource(SqlSourceDatabase):
        @contextmanager
        def snapshot(self) -> Iterator[SqlSnapshot]:
            with super().snapshot() as snapshot:
                yield DoctoredSnapshot(snapshot._connection)

    engine = nav_bi_engine(make_url(f"sqlite:///{nav_bi}"))

    @contextmanager
    def doctored() -> Iterator[SqlSourceDatabase]:
        yield DoctoredSource(engine)

    result = run_pg01(
        parse_run_request({"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["IPE_07"]}, "test"),
        cutoff_setting=None,
        open_source=doctored,
        store=S3ResultsStore(RESULTS_BUCKET, s3),
        clock=lambda: datetime.now(UTC),
        package_version="0.1.0",
        limits=LIMITS,
    )
    engine.dispose()

    assert result.ipes[0].status == "failed"
    assert result.ipes[0].failed_checks == ["control_total.remaining_amount_lcy"]
    record = list_runs(S3ResultsStore(RESULTS_BUCKET, s3), "IPE_07")[0]
    check = next(c for c in record.checks if c.name == "control_total.remaining_amount_lcy")
    assert Decimal(check.expected) - Decimal(check.actual) == Decimal("0.01")
    assert downloaded_table(s3, record).num_rows == record.rows


def test_a_part_altered_on_its_way_up_fails_its_digest_and_its_total(s3: Any, nav_bi: Path) -> None:
    """What reaches the bucket is not what was written: one amount is a cent higher."""

    class DoctoringStore(S3ResultsStore):
        def put_file(self, key: str, path: Path, sha256_hex: str) -> str | None:
            table = pq.read_table(path)
            if table.num_rows:
                amounts = table.column("remaining_amount_lcy").to_pylist()
                amounts[0] += Decimal("0.01")
                column = pa.array(amounts, type=pa.decimal128(18, 2))
                index = table.schema.get_field_index("remaining_amount_lcy")
                table = table.set_column(index, table.schema.field(index), column)
                pq.write_table(table, path)
            return super().put_file(key, path, hashlib.sha256(path.read_bytes()).hexdigest())

    result = run(nav_bi, DoctoringStore(RESULTS_BUCKET, s3), "IPE_07")

    assert result.ipes[0].failed_checks == [
        "parts_sha256_match",
        "control_total.remaining_amount_lcy",
    ]
    record = list_runs(S3ResultsStore(RESULTS_BUCKET, s3), "IPE_07")[0]
    check = next(c for c in record.checks if c.name == "control_total.remaining_amount_lcy")
    assert Decimal(check.actual) - Decimal(check.expected) == Decimal("0.01") * len(record.parts)


def test_a_rerun_writes_beside_the_earlier_run_and_changes_none_of_it(
    s3: Any, nav_bi: Path
) -> None:
    store = S3ResultsStore(RESULTS_BUCKET, s3)
    run(nav_bi, store, "CR_05")
    before = {
        version["Key"]: version["VersionId"]
        for version in s3.list_object_versions(Bucket=RESULTS_BUCKET)["Versions"]
    }

    run(nav_bi, store, "CR_05")

    after = s3.list_object_versions(Bucket=RESULTS_BUCKET)["Versions"]
    assert all(
        before.get(version["Key"], version["VersionId"]) == version["VersionId"]
        for version in after
    )
    assert len(after) == 2 * len(before)
    runs = list_runs(store, "CR_05", CUTOFF)
    assert len({r.run_id for r in runs}) == 2
    assert [r.status for r in runs] == ["succeeded", "succeeded"]
