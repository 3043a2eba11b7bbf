"""The packer run for real against moto over HTTP: DynamoDB tables, S3 buckets, obstore GETs.

obstore cannot see moto's in-process mock, so moto runs as a server on a loopback port (as the
local stack runs it) and every client, boto3 and obstore alike, is pointed at its URL. The
server is shared by the folder; each test gets its own tables and buckets.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, cast

import boto3
import pytest

from strongroom.deep_archive.adapters.archive_record_store import DynamoDBArchiveRecords
from strongroom.deep_archive.adapters.archived_listing import ArchivedListing
from strongroom.deep_archive.adapters.catalog_store import DynamoDBCatalogStore
from strongroom.deep_archive.adapters.in_memory_job_launcher import RecordingJobLauncher
from strongroom.deep_archive.adapters.job_files import (
    CATALOG_PREFIX,
    JobFiles,
    parquet_manifest_key,
)
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore
from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog, S3ManifestReader
from strongroom.deep_archive.adapters.manifest_etags import S3ManifestEtags
from strongroom.deep_archive.adapters.object_reader import ReaderLimits
from strongroom.deep_archive.adapters.obstore_config import s3_store
from strongroom.deep_archive.adapters.parquet_manifest import read_stored_manifest
from strongroom.deep_archive.adapters.source_access import SourceAccess
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.grouping import MIB, megabytes
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.services import packer_run
from strongroom.deep_archive.services.packer_services import Attempt, PackerServices
from tests.integration.deep_archive_api.tables import DeepArchiveTables, create_deep_archive_tables
from tests.integration.moto_server import serve_moto

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

REGION: Final = "eu-west-1"
PROJECT = "finance"
PREFIX = "2025-04/"
OUTPUT_PREFIX = "archives"
STARTED = datetime(2025, 4, 10, 3, 0, tzinfo=UTC)

TEST_READER_LIMITS = ReaderLimits(
    max_in_flight=8, window=32, window_bytes=8 * MIB, in_memory_max=MIB, chunk_size=MIB
)
"""Objects above 1 MiB take the streamed (ranged GET) path, so a 3 MiB object exercises it."""


class SimulatedCrash(Exception):
    """The packer's process died at this call: nothing after it runs in that attempt."""


class CrashingS3:
    """A boto3 S3 client that counts its calls and dies at the ``occurrence``-th ``operation``.

    From that call on every call raises, as in a killed process, so nothing is cleaned up
    (an open multipart upload stays open). Paginators come from the real client untouched.
    Without an ``operation`` it only counts.
    """

    def __init__(self, s3: S3Client, operation: str | None = None, occurrence: int = 1) -> None:
        self._s3 = s3
        self._operation = operation
        self._occurrence = occurrence
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.crashed = False
        self.exceptions = s3.exceptions
        self.meta = s3.meta

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._s3, name)
        if name == "get_paginator" or not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:  # parts upload on a background thread
                self.calls[name] += 1
                if name == self._operation and self.calls[name] == self._occurrence:
                    self.crashed = True
                if self.crashed:
                    raise SimulatedCrash(f"process killed during {name}")
            return attribute(*args, **kwargs)

        return call


@dataclass(frozen=True)
class SourceFile:
    data: bytes
    content_type: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


class SteppingClock:
    """Whole milliseconds, a second apart: what DynamoDB keeps is exactly what was written."""

    def __init__(self, start: datetime = STARTED) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=1)
            return self._now


@dataclass
class PackerWorld:
    """One test's tables and buckets, and the packer wired to them as its container wires it."""

    s3: S3Client
    dynamodb: DynamoDBClient
    endpoint_url: str
    tables: DeepArchiveTables
    source_bucket: str
    archive_bucket: str
    launcher: RecordingJobLauncher = field(default_factory=RecordingJobLauncher)
    clock: SteppingClock = field(default_factory=SteppingClock)

    @property
    def jobs(self) -> DynamoDBJobStore:
        return DynamoDBJobStore(self.tables.jobs, self.dynamodb, clock=self.clock)

    @property
    def items(self) -> DynamoDBCatalogStore:
        """The per-file catalog items: only archives from before decision 0013 have them."""
        return DynamoDBCatalogStore(self.tables.catalog, self.dynamodb)

    @property
    def catalog(self) -> Catalogued:
        """The catalog as restores read it: archive records and Parquet manifests."""
        return Catalogued(self)

    @property
    def records(self) -> DynamoDBArchiveRecords:
        return DynamoDBArchiveRecords(self.tables.catalog, self.dynamodb)

    def services(self, s3: S3Client | CrashingS3 | None = None) -> PackerServices:
        """What ``PackerServices.from_environment`` builds, with ``s3`` for every S3 call."""
        client = cast("S3Client", s3 or self.s3)
        environment = {"AWS_ENDPOINT_URL": self.endpoint_url, "AWS_REGION": REGION}
        files = JobFiles(client, self.archive_bucket)
        return PackerServices(
            jobs=self.jobs,
            catalog=self.items,
            records=self.records,
            manifests=S3ManifestEtags(client),
            project_jobs=ArchivedListing(self.tables.jobs, files, self.dynamodb).project_jobs,
            files=files,
            s3=client,
            launcher=self.launcher,
            source_access=lambda settings: SourceAccess(
                client, s3_store(settings.bucket, environment=environment)
            ),
            archive_bucket=self.archive_bucket,
            reader_limits=TEST_READER_LIMITS,
            clock=self.clock,
        )

    def settings(self, **overrides: Any) -> JobSettings:
        values: dict[str, Any] = {
            "project": PROJECT,
            "bucket": self.source_bucket,
            "prefix": PREFIX,
            "output_prefix": OUTPUT_PREFIX,
            "storage_class": "DEEP_ARCHIVE",
            "max_files": 100,
            "max_bytes": megabytes(64),
        }
        return JobSettings.model_validate({**values, **overrides})

    def create_job(self, **overrides: Any) -> JobRecord:
        """A SUBMITTED job as the API leaves it (its planner's Batch job id recorded first)."""
        now = self.clock()
        record = JobRecord(
            job_id=f"job-{uuid.uuid4().hex[:12]}",
            settings=self.settings(**overrides),
            status=JobStatus.SUBMITTED,
            created_at=now,
            updated_at=now,
            batch_job_ids=["batch-planner"],
        )
        self.jobs.create(record)
        return record

    def run(
        self,
        job_id: str,
        attempt: Attempt | None = None,
        *,
        s3: S3Client | CrashingS3 | None = None,
    ) -> JobStatus:
        return packer_run.run(job_id, self.services(s3), attempt or Attempt())

    def record(self, job_id: str) -> JobRecord:
        record = self.jobs.get(job_id)
        assert record is not None
        return record

    def put_sources(self, files: Mapping[str, SourceFile]) -> None:
        def put(key: str, source: SourceFile) -> None:
            extra: dict[str, Any] = {"Metadata": dict(source.metadata)}
            if source.content_type is not None:
                extra["ContentType"] = source.content_type
            self.s3.put_object(Bucket=self.source_bucket, Key=key, Body=source.data, **extra)

        with ThreadPoolExecutor(8) as pool:
            for future in [pool.submit(put, key, source) for key, source in files.items()]:
                future.result()

    def source_etags(self) -> dict[str, str]:
        return {item["Key"]: item["ETag"] for item in self.listing(self.source_bucket)}

    def listing(self, bucket: str, prefix: str = "") -> list[dict[str, Any]]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return [dict(item) for page in pages for item in page.get("Contents", [])]

    def archive_prefix(self, job_id: str) -> str:
        return f"{OUTPUT_PREFIX}/{PROJECT}/{job_id}/"

    def archive_objects(self, job_id: str) -> list[str]:
        """Keys the job wrote next to its archives (archives and their manifests)."""
        return [
            item["Key"] for item in self.listing(self.archive_bucket, self.archive_prefix(job_id))
        ]

    def open_uploads(self) -> list[dict[str, Any]]:
        pages = self.s3.get_paginator("list_multipart_uploads").paginate(Bucket=self.archive_bucket)
        return [dict(upload) for page in pages for upload in page.get("Uploads", [])]

    def catalog_size(self) -> int:
        """Entries in the Parquet manifests: every archived file version."""
        return len(self.catalog.entries())

    def item_count(self) -> int:
        """Per-file catalog items (archive and job records aside)."""
        pages = self.dynamodb.get_paginator("scan").paginate(
            TableName=self.tables.catalog,
            Select="COUNT",
            FilterExpression="attribute_exists(file_name_key)",
        )
        return sum(page["Count"] for page in pages)

    def catalog_entry(self, key: str) -> CatalogEntry:
        entry = self.catalog.get_latest(PROJECT, self.source_bucket, key)
        assert entry is not None, f"{key} has no catalog entry"
        return entry


class Catalogued:
    """What a world's catalog holds, read through the records and manifests."""

    def __init__(self, world: PackerWorld) -> None:
        self._world = world

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        world = self._world
        return ManifestCatalog(world.records, S3ManifestReader(world.s3)).get_latest(
            project, bucket, key
        )

    def entries(self) -> list[CatalogEntry]:
        world = self._world
        return [
            entry
            for item in world.listing(world.archive_bucket, f"{CATALOG_PREFIX}/")
            for entry in read_stored_manifest(world.s3, world.archive_bucket, item["Key"])
        ]

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        return sorted(
            (e for e in self.entries() if e.project == project and e.file_name == file_name),
            key=lambda entry: (entry.key, entry.archived_at),
        )

    def archive(self, archive_key: str) -> list[CatalogEntry]:
        """One archive's manifest (its job id is the folder the archive sits in)."""
        job_id = archive_key.rsplit("/", 2)[1]
        key = parquet_manifest_key(PROJECT, job_id, archive_key)
        return list(read_stored_manifest(self._world.s3, self._world.archive_bucket, key))


@pytest.fixture(scope="package")
def endpoint_url() -> Iterator[str]:
    yield from serve_moto()


def _client(service: str, endpoint_url: str) -> Any:
    return boto3.session.Session().client(  # type: ignore[call-overload]
        service,
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


WorldFactory = Callable[[], PackerWorld]


@pytest.fixture(scope="package")
def module_credentials() -> Iterator[None]:
    """Fake keys for shared fixtures too (the root conftest sets them per test only): obstore
    finds its credentials in the environment, as it does on AWS."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.delenv("AWS_SESSION_TOKEN", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        yield


@pytest.fixture(scope="package")
def new_world(endpoint_url: str, module_credentials: None) -> WorldFactory:
    """Fresh tables and buckets on the shared server, for tests or module fixtures."""
    s3: S3Client = _client("s3", endpoint_url)
    dynamodb: DynamoDBClient = _client("dynamodb", endpoint_url)

    def build() -> PackerWorld:
        suffix = uuid.uuid4().hex[:10]
        tables = create_deep_archive_tables(
            dynamodb,
            DeepArchiveTables(
                projects=f"projects-{suffix}", jobs=f"jobs-{suffix}", catalog=f"catalog-{suffix}"
            ),
        )
        buckets = f"source-{suffix}", f"archive-{suffix}"
        for bucket in buckets:
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        return PackerWorld(s3, dynamodb, endpoint_url, tables, *buckets)

    return build


@pytest.fixture
def world(new_world: WorldFactory) -> PackerWorld:
    return new_world()
