"""The Parquet query port against moto: Athena's API as boto3 sees it, and DuckDB reading the
same objects from S3 (a moto server: pyarrow's S3 filesystem needs real HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from moto import mock_aws

from strongroom.core.parquet_query import ParquetTable, QueryFailed, QueryTimedOut
from strongroom.core.parquet_query.athena import AthenaParquetQuery
from strongroom.core.parquet_query.duckdb_engine import DuckDbParquetQuery
from tests.integration.moto_server import serve_moto
from tests.support.athena_answers import queue_athena_answer

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
BUCKET = "results"
SCHEMA = pa.schema([("entry_no", pa.int64()), ("amount", pa.decimal128(18, 2))])
LEDGER = ParquetTable("ledger", BUCKET, "ipe/IPE_07/")


def test_athena_answers_through_boto3_with_typed_rows() -> None:
    with mock_aws():
        queue_athena_answer(
            REGION, [("entry_no", "bigint"), ("amount", "decimal")], [("7", "-12.50")]
        )
        athena = boto3.client("athena", region_name=REGION)
        answer = AthenaParquetQuery(athena, "sox", "primary").run(
            "SELECT entry_no, amount FROM ledger WHERE entry_no = ?", [LEDGER], [7]
        )
        assert answer.columns == ("entry_no", "amount")
        assert list(answer.rows) == [(7, Decimal("-12.50"))]
        assert answer.query_id is not None


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    yield from serve_moto()


@pytest.fixture(scope="module")
def engine(s3_endpoint: str) -> DuckDbParquetQuery:
    s3 = client(s3_endpoint)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    for cutoff, amounts in (("2025-05-31", ["1.10", "2.20"]), ("2025-06-30", ["3.30"])):
        table = pa.table(
            {
                "entry_no": list(range(len(amounts))),
                "amount": [Decimal(value) for value in amounts],
            },
            schema=SCHEMA,
        )
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        s3.put_object(
            Bucket=BUCKET,
            Key=f"ipe/IPE_07/cutoff_date={cutoff}/run_id=r1/part-00000.parquet",
            Body=sink.getvalue().to_pybytes(),
        )
    return DuckDbParquetQuery()


def client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(autouse=True)
def _aws_environment(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_duckdb_reads_hive_partitions_as_strings_with_bound_parameters(
    engine: DuckDbParquetQuery,
) -> None:
    answer = engine.run(
        "SELECT cutoff_date, COUNT(*) AS n, SUM(amount) AS total FROM ledger"
        " WHERE cutoff_date = ? GROUP BY cutoff_date",
        [LEDGER],
        ["2025-05-31"],
    )
    assert answer.columns == ("cutoff_date", "n", "total")
    assert list(answer.rows) == [("2025-05-31", 2, Decimal("3.30"))]
    assert answer.bytes_scanned() is None


def test_an_empty_prefix_answers_from_its_declared_schema(engine: DuckDbParquetQuery) -> None:
    empty = ParquetTable("later", BUCKET, "ipe/IPE_99/", schema=SCHEMA)
    assert list(engine.run("SELECT COUNT(*) FROM later", [empty]).rows) == [(0,)]
    with pytest.raises(QueryFailed, match="nothing to read at s3://results/ipe/IPE_99/"):
        engine.run("SELECT COUNT(*) FROM later", [ParquetTable("later", BUCKET, "ipe/IPE_99/")])


def test_an_unreadable_location_fails_even_with_a_schema(engine: DuckDbParquetQuery) -> None:
    missing_bucket = ParquetTable("gone", "no-such-bucket", "ipe/IPE_07/", schema=SCHEMA)
    with pytest.raises(QueryFailed, match="s3://no-such-bucket/ipe/IPE_07/"):
        engine.run("SELECT COUNT(*) FROM gone", [missing_bucket])


def test_bad_sql_and_slow_queries_fail_with_the_reason(engine: DuckDbParquetQuery) -> None:
    with pytest.raises(QueryFailed, match="ledgr"):
        engine.run("SELECT * FROM ledgr", [LEDGER])
    with pytest.raises(QueryTimedOut, match=r"after 0\.2 s"):
        engine.run("SELECT COUNT(*) FROM range(100000000000) a", [], timeout_s=0.2)
