"""The job's plan and manifests survive the trip through S3 exactly, and plans stream by range."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.response import StreamingBody
from hypothesis import given
from hypothesis import strategies as st

from strongroom.deep_archive.adapters.job_files import (
    JobFiles,
    ManifestBuffer,
    PlanSummary,
    PlanWriter,
    manifest_key,
    parquet_manifest_key,
    plan_from_document,
    plan_key,
    plan_line,
    plan_summary_key,
)
from strongroom.deep_archive.adapters.parquet_manifest import (
    jsonl_to_parquet,
    read_parquet_manifest,
)
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.grouping import ArchivePlan, SourceObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

BUCKET = "archive-bucket"
JOB = "job-0001"
MODIFIED = datetime(2025, 4, 10, 3, 0, tzinfo=UTC)


class NoSuchKey(Exception):
    pass


class _Exceptions:
    NoSuchKey = NoSuchKey


@dataclass
class Stored:
    data: bytes
    content_type: str
    storage_class: str


class MemoryS3:
    """The two object calls JobFiles makes, checking the SHA-256 as S3 does on arrival."""

    exceptions = _Exceptions

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], Stored] = {}
        self.bodies: list[io.BytesIO] = []

    def put_object(self, **kwargs: Any) -> dict[str, Any]:
        data = bytes(kwargs["Body"])
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        assert kwargs["ChecksumAlgorithm"] == "SHA256"
        assert kwargs["ChecksumSHA256"] == digest, "S3 would answer BadDigest"
        self.objects[(kwargs["Bucket"], kwargs["Key"])] = Stored(
            data, kwargs["ContentType"], kwargs["StorageClass"]
        )
        return {"ETag": f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'}

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:
        stored = self.objects.get((Bucket, Key))
        if stored is None:
            raise NoSuchKey(Key)
        raw = io.BytesIO(stored.data)
        self.bodies.append(raw)
        return {"Body": StreamingBody(raw, len(stored.data))}


@pytest.fixture
def s3() -> MemoryS3:
    return MemoryS3()


@pytest.fixture
def files(s3: MemoryS3) -> JobFiles:
    return JobFiles(cast("S3Client", s3), BUCKET)


zones = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))])
moments = st.builds(
    lambda offset, zone: (MODIFIED + timedelta(microseconds=offset)).astimezone(zone),
    st.integers(min_value=0, max_value=10**12),
    zones,
)
# Keys may hold anything S3 allows, including line breaks in a line-based file.
keys = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=20)
sources = st.builds(
    SourceObject,
    key=keys,
    size=st.integers(min_value=0, max_value=2**40),
    etag=st.text(alphabet='"0123456789abcdef-', min_size=1, max_size=36),
    last_modified=moments,
    version_id=st.none() | st.text(min_size=1, max_size=12),
)


@st.composite
def archive_plans(draw: st.DrawFn) -> ArchivePlan:
    members = tuple(draw(st.lists(sources, min_size=1, max_size=6)))
    return ArchivePlan(
        index=draw(st.integers(min_value=0, max_value=999_999)),
        archive_key=draw(keys),
        objects=members,
        total_bytes=sum(member.size for member in members),
        archive_bytes=draw(st.integers(min_value=0, max_value=2**42)),
        oversize=draw(st.booleans()),
    )


@given(archive_plans())
def test_a_plan_line_reads_back_as_the_same_plan(plan: ArchivePlan) -> None:
    line = plan_line(plan)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1  # one archive, one line, whatever its keys hold
    assert plan_from_document(json.loads(line)) == plan


def numbered_plans(count: int, members: int = 3) -> list[ArchivePlan]:
    plans = []
    for index in range(count):
        objects = tuple(
            SourceObject(
                key=f"2025-04/{index:04d}/{hashlib.sha256(f'{index}/{n}'.encode()).hexdigest()}",
                size=index * 10 + n,
                etag=f'"{index:032x}"',
                last_modified=MODIFIED + timedelta(seconds=n),
                version_id=None if n % 2 else f"v{index}.{n}",
            )
            for n in range(members)
        )
        plans.append(
            ArchivePlan(
                index=index,
                archive_key=f"archives/finance/{JOB}/part-{index:06d}.zip",
                objects=objects,
                total_bytes=sum(source.size for source in objects),
                archive_bytes=sum(source.archive_cost for source in objects) + 98,
            )
        )
    return plans


def put_plans(files: JobFiles, plans: list[ArchivePlan]) -> None:
    writer = PlanWriter()
    for plan in plans:
        writer.add(plan)
    summary = PlanSummary(
        archives=len(plans),
        files=sum(plan.member_count for plan in plans),
        bytes=sum(plan.total_bytes for plan in plans),
        worker_ranges=[(0, len(plans))],
    )
    files.put_plan(JOB, writer.finish(), summary)


def test_every_range_of_archives_streams_exactly_those_plans(files: JobFiles) -> None:
    # Given a plan of seven archives written to the bucket
    plans = numbered_plans(7)
    put_plans(files, plans)
    # When each worker range is read back, Then exactly its archives come, in index order
    for first in range(8):
        for end in range(first, 8):
            assert list(files.archives(JOB, first, end)) == plans[first:end], (first, end)


def test_the_plan_is_gzip_lines_and_its_summary_json_both_readable_without_restore(
    files: JobFiles, s3: MemoryS3
) -> None:
    plans = numbered_plans(3)
    put_plans(files, plans)
    stored_plan = s3.objects[(BUCKET, plan_key(JOB))]
    assert (stored_plan.content_type, stored_plan.storage_class) == ("application/gzip", "STANDARD")
    lines = gzip.decompress(stored_plan.data).splitlines(keepends=True)
    assert [plan_from_document(json.loads(line)) for line in lines] == plans
    stored_summary = s3.objects[(BUCKET, plan_summary_key(JOB))]
    assert stored_summary.storage_class == "STANDARD"
    assert files.plan_summary(JOB) == PlanSummary(
        archives=3, files=9, bytes=sum(plan.total_bytes for plan in plans), worker_ranges=[(0, 3)]
    )


def test_a_job_without_a_plan_has_no_summary(files: JobFiles) -> None:
    assert files.plan_summary("job-never-planned") is None


def test_an_empty_plan_streams_no_archive(files: JobFiles) -> None:
    put_plans(files, [])
    assert list(files.archives(JOB, 0, 0)) == []
    assert list(files.archives(JOB, 0, 10)) == []


def test_reading_the_first_archives_stops_short_of_the_whole_plan(
    files: JobFiles, s3: MemoryS3
) -> None:
    # Given a plan far larger than gzip's read buffer
    put_plans(files, numbered_plans(400, members=20))
    plan_size = len(s3.objects[(BUCKET, plan_key(JOB))].data)
    # When only the first archive is read
    assert [plan.index for plan in files.archives(JOB, 0, 1)] == [0]
    # Then the plan was not read to its end
    assert s3.bodies[-1].tell() < plan_size


def entry(key: str, number: int) -> CatalogEntry:
    return CatalogEntry(
        project="finance",
        source_bucket="source",
        key=key,
        etag=f'"{number:032x}"',
        version_id=None if number % 2 else f"v{number}",
        last_modified=MODIFIED,
        content_type="text/csv" if number % 3 else None,
        metadata={"note": "line one\nline two\r\u2028end", "row": str(number)},
        size=number * 100,
        archive_bucket=BUCKET,
        archive_key="archives/finance/job-0001/part-000000.zip",
        storage_class="DEEP_ARCHIVE",
        header_offset=number * 200,
        data_offset=number * 200 + 80,
        compressed_size=number * 50,
        method="deflated",
        crc32=number,
        sha256=hashlib.sha256(key.encode()).hexdigest(),
        job_id=JOB,
        archived_at=MODIFIED + timedelta(microseconds=number),
    )


def test_a_manifest_reads_back_entry_for_entry(files: JobFiles, s3: MemoryS3) -> None:
    # Given entries whose keys and metadata hold line breaks, across many read chunks
    entries = [entry(f"2025-04/ä/{number}\n.csv", number) for number in range(60)]
    archive_key = entries[0].archive_key
    # When the manifest is written and read back
    body = ManifestBuffer()
    for each in entries:
        body.add(each)
    files.put_manifest_body(archive_key, body)
    # Then it sits beside the archive, readable, one entry per line, all identical
    stored = s3.objects[(BUCKET, manifest_key(archive_key))]
    assert stored.storage_class == "STANDARD"
    assert stored.data.count(b"\n") == len(entries)
    assert len(stored.data) > 4 * 1024
    assert list(files.iter_manifest(archive_key)) == entries
    # And the same entries can sit beside it as a Parquet manifest in Standard-IA, sorted by key
    parquet_key = parquet_manifest_key("finance", "job-1", archive_key)
    files.put_parquet_manifest(parquet_key, jsonl_to_parquet(body.finish()))
    parquet = s3.objects[(BUCKET, parquet_key)]
    assert parquet.storage_class == "STANDARD_IA"
    assert list(read_parquet_manifest(io.BytesIO(parquet.data))) == sorted(
        entries, key=lambda each: each.key
    )
