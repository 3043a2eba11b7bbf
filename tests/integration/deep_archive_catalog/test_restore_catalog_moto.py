"""Restores resolved through the records and manifests, against moto: the same archives and
tests as ``tests/unit/deep_archive_restore/test_restore_catalog.py`` with the Catalog and Jobs
tables in DynamoDB, manifests in S3 read with ranged GETs, and bare names answered by DuckDB
over ``_catalog/`` (a moto server: pyarrow's S3 filesystem needs real HTTP), as on the local
stack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from strongroom.core.parquet_query.duckdb_engine import DuckDbParquetQuery
from strongroom.deep_archive.adapters.archive_record_store import DynamoDBArchiveRecords
from strongroom.deep_archive.adapters.archived_listing import ArchivedListing
from strongroom.deep_archive.adapters.catalog_store import DynamoDBCatalogStore
from strongroom.deep_archive.adapters.job_files import JobFiles, ManifestBuffer
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore
from strongroom.deep_archive.adapters.manifest_catalog import S3ManifestReader
from strongroom.deep_archive.adapters.manifest_names import ParquetNamedFiles
from strongroom.deep_archive.adapters.parquet_manifest import SCHEMA, write_parquet_manifest
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.restore_lookup import PrefixListing
from tests.integration.deep_archive_api.tables import (
    CATALOG_TABLE,
    JOBS_TABLE,
    create_catalog_table,
    create_jobs_table,
)
from tests.integration.moto_server import serve_moto
from tests.unit.deep_archive_restore.archives import ARCHIVE_BUCKET, PROJECT, SOURCE_BUCKET
from tests.unit.deep_archive_restore.test_restore_catalog import (
    CatalogWorld,
    populate,
    test_a_full_key_in_an_unmigrated_archive_answers_through_its_items,
    test_a_full_key_with_only_a_record_and_a_manifest_is_its_packed_entry,
    test_a_key_in_an_unmigrated_and_a_recorded_archive_is_its_newest_version,
    test_a_prefix_matching_nothing_is_404,
    test_a_prefix_over_both_kinds_lists_the_newest_version_of_each_file,
    test_a_prefix_over_records_only_archives_lists_their_files,
    test_a_unique_bare_name_resolves_whichever_catalog_holds_it,
    test_an_ambiguous_bare_name_is_409_listing_each_file_once,
    test_an_unknown_bare_name_is_404,
    test_an_unknown_full_key_is_404,
)

__all__ = [
    "test_a_full_key_in_an_unmigrated_archive_answers_through_its_items",
    "test_a_full_key_with_only_a_record_and_a_manifest_is_its_packed_entry",
    "test_a_key_in_an_unmigrated_and_a_recorded_archive_is_its_newest_version",
    "test_a_prefix_matching_nothing_is_404",
    "test_a_prefix_over_both_kinds_lists_the_newest_version_of_each_file",
    "test_a_prefix_over_records_only_archives_lists_their_files",
    "test_a_unique_bare_name_resolves_whichever_catalog_holds_it",
    "test_an_ambiguous_bare_name_is_409_listing_each_file_once",
    "test_an_unknown_bare_name_is_404",
    "test_an_unknown_full_key_is_404",
]

pytestmark = pytest.mark.integration

REGION = "us-east-1"
CREATED = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)


class MotoWorld(CatalogWorld):
    def __init__(self, endpoint: str) -> None:
        options: dict[str, Any] = {
            "endpoint_url": endpoint,
            "region_name": REGION,
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
        }
        self.dynamodb: Any = boto3.client("dynamodb", **options)
        self.s3: Any = boto3.client("s3", **options)
        create_catalog_table(self.dynamodb)
        create_jobs_table(self.dynamodb)
        self.s3.create_bucket(Bucket=ARCHIVE_BUCKET)
        self.files = JobFiles(self.s3, ARCHIVE_BUCKET)
        self.items = DynamoDBCatalogStore(CATALOG_TABLE, self.dynamodb)
        self.records = DynamoDBArchiveRecords(CATALOG_TABLE, self.dynamodb)
        self.reader = S3ManifestReader(self.s3)
        self.names = ParquetNamedFiles(DuckDbParquetQuery(), ARCHIVE_BUCKET, schema=SCHEMA)

    @property
    def listing(self) -> PrefixListing:
        return ArchivedListing(JOBS_TABLE, self.files, self.dynamodb, recorded=self.manifests)

    def record_job(self, job_id: str, archive_keys: list[str]) -> None:
        settings = JobSettings(
            project=PROJECT,
            bucket=SOURCE_BUCKET,
            prefix="",
            output_prefix="archives",
            storage_class="DEEP_ARCHIVE",
            max_files=50_000,
            max_bytes=500 * 1024 * 1024,
        )
        job = JobRecord(
            job_id=job_id,
            settings=settings,
            status=JobStatus.SUCCEEDED,
            created_at=CREATED,
            updated_at=CREATED,
            archives=archive_keys,
        )
        DynamoDBJobStore(JOBS_TABLE, self.dynamodb).create(job)

    def put_jsonl_manifest(self, archive_key: str, entries: list[CatalogEntry]) -> None:
        body = ManifestBuffer()
        for entry in entries:
            body.add(entry)
        self.files.put_manifest_body(archive_key, body)

    def put_parquet_manifest(self, manifest_key: str, entries: list[CatalogEntry]) -> None:
        self.files.put_parquet_manifest(manifest_key, write_parquet_manifest(entries))


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    yield from serve_moto()


@pytest.fixture(scope="module")
def world(endpoint: str) -> CatalogWorld:
    """Built once: every test here only reads."""
    return populate(MotoWorld(endpoint))


@pytest.fixture(autouse=True)
def _aws_environment(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB reads S3 where boto3's defaults point."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_no_per_file_item_exists_for_the_records_only_archives(world: MotoWorld) -> None:
    items = world.dynamodb.scan(TableName=CATALOG_TABLE, IndexName="byFileName")["Items"]
    keys = sorted(item["key"]["S"] for item in items)

    assert keys == ["2024/north/old.csv", "2024/north/report.csv", "2026/both.csv"]
