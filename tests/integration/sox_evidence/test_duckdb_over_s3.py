"""DuckDB over the results bucket as the local stack will query it: S3 read by pyarrow's
S3FileSystem (no httpfs extension to download), Hive partitions ``cutoff_date`` and ``run_id``
from the keys, the dataset scanned by DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

import boto3
import duckdb
import pyarrow.dataset as ds
import pytest
from pyarrow import fs
from sqlalchemy import make_url

from strongroom.sox_evidence.adapters.nav_bi import SqlSourceDatabase, nav_bi_engine
from strongroom.sox_evidence.adapters.results_store import S3ResultsStore
from strongroom.sox_evidence.domain.requests import parse_run_request
from strongroom.sox_evidence.services.pg01_run import run_pg01
from strongroom.sox_evidence.services.run_records import list_runs
from tests.integration.moto_server import serve_moto

pytestmark = pytest.mark.integration

BUCKET = "jumia-sox-results"
CUTOFFS = (date(2025, 5, 31), date(2025, 6, 30))


@pytest.fixture
def endpoint() -> Iterator[str]:
    yield from serve_moto()


@contextmanager
def opened(path: Path) -> Iterator[SqlSourceDatabase]:
    engine = nav_bi_engine(make_url(f"sqlite:///{path}"))
    try:
        yield SqlSourceDatabase(engine)
    finally:
        engine.dispose()


def test_duckdb_reads_every_cutoff_and_run_from_the_partitioned_keys(
    endpoint: str, nav_bi: Path
) -> None:
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    store = S3ResultsStore(BUCKET, s3)
    for cutoff in CUTOFFS:
        run_pg01(
            parse_run_request({"cutoff_date": cutoff.isoformat(), "ipe_ids": ["IPE_07"]}, "t"),
            cutoff_setting=None,
            open_source=lambda: opened(nav_bi),
            store=store,
            clock=lambda: datetime.now(UTC),
            package_version="0.1.0",
        )
    expected = {r.context.cutoff_date: r for r in list_runs(store, "IPE_07")}

    filesystem = fs.S3FileSystem(
        access_key="testing",
        secret_key="testing",
        region="eu-west-1",
        endpoint_override=urlparse(endpoint).netloc,
        scheme="http",
    )
    ipe_07 = ds.dataset(
        f"{BUCKET}/ipe/IPE_07/", filesystem=filesystem, format="parquet", partitioning="hive"
    )
    connection = duckdb.connect()
    connection.register("ipe_07", ipe_07)
    answers = connection.execute(
        "SELECT CAST(cutoff_date AS DATE), run_id, COUNT(*), SUM(remaining_amount_lcy)"
        " FROM ipe_07 GROUP BY ALL ORDER BY 1"
    ).fetchall()

    assert [(cutoff, run_id, rows) for cutoff, run_id, rows, _total in answers] == [
        (cutoff, expected[cutoff].run_id, expected[cutoff].rows) for cutoff in CUTOFFS
    ]
    for cutoff, _run_id, _rows, total in answers:
        assert total == expected[cutoff].control_totals["remaining_amount_lcy"]
