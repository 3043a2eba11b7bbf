"""Bare names through the Parquet manifests under ``_catalog/``: DuckDB reading them from S3 (a
moto server: pyarrow's S3 filesystem needs real HTTP), as the local stack does; Athena's request
as boto3 sends it (moto answers what it is told: Athena's SQL is not run locally)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.core.parquet_query.athena import AthenaParquetQuery
from strongroom.core.parquet_query.duckdb_engine import DuckDbParquetQuery
from strongroom.deep_archive.adapters.job_files import JobFiles, parquet_manifest_key
from strongroom.deep_archive.adapters.manifest_names import (
    MANIFEST_TABLE,
    NAMED_FILES_SQL,
    ParquetNamedFiles,
)
from strongroom.deep_archive.adapters.parquet_manifest import SCHEMA, write_parquet_manifest
from strongroom.deep_archive.domain.catalog import CatalogEntry
from tests.integration.moto_server import serve_moto
from tests.support.athena_answers import queue_athena_answer
from tests.unit.deep_archive.test_parquet_manifest import entry

pytestmark = pytest.mark.integration

REGION = "us-east-1"
BUCKET = "strongroom-archive"
EMPTY_BUCKET = "strongroom-archive-new"


def archive(project: str, job_id: str, index: int, keys: list[str]) -> list[CatalogEntry]:
    archive_key = f"{project}/{job_id}/part-{index:06d}.zip"
    return [
        entry(key, number).model_copy(
            update={"project": project, "job_id": job_id, "archive_key": archive_key}
        )
        for number, key in enumerate(keys)
    ]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    yield from serve_moto()


@pytest.fixture(scope="module")
def names(s3_endpoint: str) -> ParquetNamedFiles:
    s3: Any = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)
    s3.create_bucket(Bucket=EMPTY_BUCKET)
    files = JobFiles(s3, BUCKET)
    archives = [
        archive("demo", "job-1", 0, ["2025/01/a.csv", "2025/01/b.csv"]),
        archive("demo", "job-1", 1, ["2025/02/a.csv", "2025/02/c.csv"]),
        archive("demo", "job-2", 0, ["2025/01/a.csv", "d.csv"]),  # a.csv archived again
        archive("other", "job-3", 0, ["2025/01/e.csv", "x/b.csv"]),
    ]
    for entries in archives:
        first = entries[0]
        key = parquet_manifest_key(first.project, first.job_id, first.archive_key)
        files.put_parquet_manifest(key, write_parquet_manifest(entries))
    # A zip beside the manifests' prefix is not part of the table.
    s3.put_object(Bucket=BUCKET, Key="demo/job-1/part-000000.zip", Body=b"PK\x05\x06")
    return ParquetNamedFiles(DuckDbParquetQuery(), BUCKET, schema=SCHEMA)


@pytest.fixture(autouse=True)
def _aws_environment(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_a_unique_name_answers_its_one_file_whatever_the_archives(
    names: ParquetNamedFiles,
) -> None:
    source = entry("k", 0).source_bucket
    assert names.addresses("demo", "c.csv") == [(source, "2025/02/c.csv")]
    assert names.addresses("demo", "d.csv") == [(source, "d.csv")]


def test_an_ambiguous_name_answers_each_file_once_in_key_order(names: ParquetNamedFiles) -> None:
    source = entry("k", 0).source_bucket
    # 2025/01/a.csv sits in two archives (two jobs): still one file.
    assert names.addresses("demo", "a.csv") == [
        (source, "2025/01/a.csv"),
        (source, "2025/02/a.csv"),
    ]


def test_an_unknown_name_and_another_projects_files_answer_nothing(
    names: ParquetNamedFiles,
) -> None:
    assert names.addresses("demo", "zzz.csv") == []
    assert names.addresses("demo", "e.csv") == []  # only project other has it
    assert names.addresses("other", "b.csv") == [(entry("k", 0).source_bucket, "x/b.csv")]
    assert names.addresses("nobody", "a.csv") == []


def test_a_bucket_without_manifests_answers_nothing(names: ParquetNamedFiles) -> None:
    empty = ParquetNamedFiles(DuckDbParquetQuery(), EMPTY_BUCKET, schema=SCHEMA)
    assert empty.addresses("demo", "a.csv") == []


def test_athena_gets_the_same_sql_with_the_name_as_parameters_in_its_workgroup() -> None:
    with mock_aws():
        backend = queue_athena_answer(
            REGION,
            [("source_bucket", "varchar"), ("key", "varchar")],
            [("src", "2025/01/a.csv")],
        )
        athena = boto3.client("athena", region_name=REGION)
        athena.create_work_group(
            Name="deep_archive-catalog",
            Configuration={"ResultConfiguration": {"OutputLocation": "s3://results/"}},
        )
        query = AthenaParquetQuery(athena, "deep_archive_catalog", "deep_archive-catalog")
        found = ParquetNamedFiles(query, BUCKET).addresses("demo", "a.csv")
        assert found == [("src", "2025/01/a.csv")]
        (execution,) = backend.executions.values()
        assert execution.query == NAMED_FILES_SQL
        assert f"FROM {MANIFEST_TABLE} WHERE project = ?" in execution.query
        assert execution.workgroup is not None
        assert execution.workgroup.name == "deep_archive-catalog"
        assert execution.execution_parameters == ["'demo'", "'a.csv'"]
