"""One job over ~500 files, run once: archives, manifests, catalog and counts all agree."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from strongroom.deep_archive.adapters.job_files import parquet_manifest_key
from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog, S3ManifestReader
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.grouping import MIB
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.domain.zip_reader import member_range, read_member
from tests.integration.deep_archive_packer.conftest import (
    PREFIX,
    PROJECT,
    PackerWorld,
    SourceFile,
    WorldFactory,
)

pytestmark = pytest.mark.integration

FILES_PER_FOLDER = 166
MAX_FILES = 100
DEFAULT_CONTENT_TYPE = "binary/octet-stream"  # what S3 gives an object stored without one
BIG_KEY = f"{PREFIX}c/big.bin"
DATA_DESCRIPTOR_FLAG = 0x08  # general purpose bit 3: sizes and CRC follow the data


def happy_sources() -> dict[str, SourceFile]:
    """Three folders with the same file names, text and binary, some typed and tagged."""
    rng = random.Random(2025)
    files: dict[str, SourceFile] = {}
    for folder in ("a", "b", "c"):
        for number in range(FILES_PER_FOLDER):
            if number % 7 == 0:
                data = rng.randbytes(rng.randrange(1, 3000))  # incompressible: stored
            else:
                rows = (
                    f"{folder},{number},{rng.randrange(10**6)}" for _ in range(rng.randrange(60))
                )
                data = "\n".join(rows).encode()
            files[f"{PREFIX}{folder}/{number:04d}.csv"] = SourceFile(
                data,
                content_type="text/csv" if number % 3 == 0 else None,
                metadata={"quality-check": "passed", "row": str(number)} if number % 5 == 0 else {},
            )
    files[f"{PREFIX}a/x.csv"] = SourceFile(b"written by a\n", "text/csv", {"origin": "a"})
    files[f"{PREFIX}b/x.csv"] = SourceFile(b"written by b\n", "text/csv", {"origin": "b"})
    files[f"{PREFIX}c/empty.txt"] = SourceFile(b"")
    files[BIG_KEY] = SourceFile(rng.randbytes(3 * MIB + 12_345), "application/octet-stream")
    return files


@dataclass(frozen=True)
class ArchivedJob:
    world: PackerWorld
    job_id: str
    sources: dict[str, SourceFile]
    source_etags: dict[str, str]
    status: JobStatus
    catalog: dict[str, CatalogEntry]
    """Each archived key's entry, from the job's Parquet manifests read whole after the job."""
    unrestored_get_error: str | None
    """What a GET of the first archive answered before any restore."""


@pytest.fixture(scope="module")
def archived(new_world: WorldFactory) -> ArchivedJob:
    world = new_world()
    sources = happy_sources()
    world.put_sources(sources)
    # A console folder marker: listed by S3, but not a file to archive.
    world.s3.put_object(Bucket=world.source_bucket, Key=f"{PREFIX}a/", Body=b"")
    etags = {key: etag for key, etag in world.source_etags().items() if key in sources}
    job = world.create_job(max_files=MAX_FILES)
    status = world.run(job.job_id)
    unrestored_get_error = _get_error(world, world.record(job.job_id).archives[0])
    catalog = {
        entry.key: entry
        for archive_key in world.record(job.job_id).archives
        for entry in world.catalog.archive(archive_key)
    }
    return ArchivedJob(world, job.job_id, sources, etags, status, catalog, unrestored_get_error)


def _get_error(world: PackerWorld, key: str) -> str | None:
    try:
        world.s3.get_object(Bucket=world.archive_bucket, Key=key)
    except ClientError as error:
        return str(error.response.get("Error", {}).get("Code"))
    return None


def manifest_entries(world: PackerWorld, archive_key: str) -> list[CatalogEntry]:
    return world.catalog.archive(archive_key)


def test_the_job_succeeds_with_exact_counts(archived: ArchivedJob) -> None:
    record = archived.world.record(archived.job_id)
    assert archived.status is JobStatus.SUCCEEDED
    assert record.status is JobStatus.SUCCEEDED
    assert record.errors == []
    total = sum(len(source.data) for source in archived.sources.values())
    archive_sizes = [
        archived.world.s3.head_object(Bucket=archived.world.archive_bucket, Key=key)[
            "ContentLength"
        ]
        for key in record.archives
    ]
    files = len(archived.sources)
    assert record.counts.model_dump() == {
        "files_listed": files,
        "files_skipped_unchanged": 0,
        "files_planned": files,
        "bytes_planned": total,
        "archives_planned": -(-files // MAX_FILES),
        "files_archived": files,
        "bytes_archived": total,
        "archive_bytes": sum(archive_sizes),
        "archives_done": -(-files // MAX_FILES),
        "files_failed": 0,
        "sources_deleted": 0,
    }


def test_archives_are_deep_archive_and_manifests_readable(archived: ArchivedJob) -> None:
    world = archived.world
    record = world.record(archived.job_id)
    written = sorted(world.archive_objects(archived.job_id))
    assert written == sorted(record.archives)  # no JSON Lines manifest beside the zips any more
    parquet_keys = [parquet_manifest_key(PROJECT, archived.job_id, key) for key in record.archives]
    assert [
        item["Key"] for item in world.listing(world.archive_bucket, f"_catalog/project={PROJECT}/")
    ] == sorted(parquet_keys)
    for key in record.archives:
        archive = world.s3.head_object(Bucket=world.archive_bucket, Key=key)
        assert archive["StorageClass"] == "DEEP_ARCHIVE"
        assert archive["ContentType"] == "application/zip"
        assert archive["Metadata"]["strongroom-job-id"] == archived.job_id
    for key in parquet_keys:
        parquet = world.s3.head_object(Bucket=world.archive_bucket, Key=key)
        assert parquet["StorageClass"] == "STANDARD_IA"
    # And no DynamoDB item per file: the records and manifests are the catalog
    assert world.item_count() == 0


def test_every_file_has_a_catalog_entry_describing_it(archived: ArchivedJob) -> None:
    world = archived.world
    record = world.record(archived.job_id)
    assert sorted(archived.catalog) == sorted(archived.sources)
    for key, source in archived.sources.items():
        entry = archived.catalog[key]
        assert entry.size == len(source.data), key
        assert entry.etag == archived.source_etags[key], key
        assert entry.content_type == (source.content_type or DEFAULT_CONTENT_TYPE), key
        assert entry.metadata == dict(source.metadata), key
        assert entry.job_id == archived.job_id
        assert entry.storage_class == "DEEP_ARCHIVE"
        assert entry.archive_key in record.archives
    assert world.catalog_size() == len(archived.sources)
    # Same file name in two folders: two members, two entries, neither overwriting the other.
    same_name = world.catalog.find_by_file_name(PROJECT, "x.csv")
    assert [(entry.key, entry.metadata) for entry in same_name] == [
        (f"{PREFIX}a/x.csv", {"origin": "a"}),
        (f"{PREFIX}b/x.csv", {"origin": "b"}),
    ]


def test_each_manifest_holds_exactly_its_archives_catalog_entries(archived: ArchivedJob) -> None:
    world = archived.world
    record = world.record(archived.job_id)
    seen: list[str] = []
    for archive_key in record.archives:
        lines = manifest_entries(world, archive_key)
        assert lines, archive_key
        for line in lines:
            assert line.archive_key == archive_key
            assert line == archived.catalog[line.key]
        seen.extend(line.key for line in lines)
    assert sorted(seen) == sorted(archived.sources)
    assert len(seen) == len(set(seen))


def restored_archive(world: PackerWorld, key: str) -> bytes:
    world.s3.restore_object(Bucket=world.archive_bucket, Key=key, RestoreRequest={"Days": 1})
    return world.s3.get_object(Bucket=world.archive_bucket, Key=key)["Body"].read()


def test_archives_are_valid_zips_once_restored(archived: ArchivedJob) -> None:
    world = archived.world
    assert archived.unrestored_get_error == "InvalidObjectState"
    members: dict[str, bytes] = {}
    for key in world.record(archived.job_id).archives:
        with zipfile.ZipFile(io.BytesIO(restored_archive(world, key))) as archive:
            assert archive.testzip() is None
            members.update({name: archive.read(name) for name in archive.namelist()})
            if BIG_KEY in archive.namelist():
                # Above the reader's in-memory limit: streamed, sizes in a data descriptor.
                assert archive.getinfo(BIG_KEY).flag_bits & DATA_DESCRIPTOR_FLAG
    # Every file once, under its full key: same-named files in two folders stay two members.
    assert members == {key: source.data for key, source in archived.sources.items()}


@pytest.mark.skipif(shutil.which("unzip") is None, reason="the unzip tool is not installed")
def test_unzip_accepts_every_archive(archived: ArchivedJob, tmp_path: Path) -> None:
    world = archived.world
    for number, key in enumerate(world.record(archived.job_id).archives):
        path = tmp_path / f"archive-{number}.zip"
        path.write_bytes(restored_archive(world, key))
        checked = subprocess.run(["unzip", "-t", str(path)], capture_output=True, check=False)
        assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()


def test_a_ranged_get_at_the_catalog_offsets_gives_back_each_file(archived: ArchivedJob) -> None:
    world = archived.world
    for archive_key in world.record(archived.job_id).archives:
        world.s3.restore_object(
            Bucket=world.archive_bucket, Key=archive_key, RestoreRequest={"Days": 1}
        )
    for key, source in archived.sources.items():
        entry = archived.catalog[key]
        if entry.compressed_size == 0:
            assert source.data == b"", key
            continue
        first, last = member_range(entry.data_offset, entry.compressed_size)
        raw = world.s3.get_object(
            Bucket=entry.archive_bucket, Key=entry.archive_key, Range=f"bytes={first}-{last}"
        )["Body"].read()
        assert read_member(raw, entry) == source.data, key


def test_a_full_key_is_found_through_the_archive_records_and_two_ranged_gets(
    archived: ArchivedJob,
) -> None:
    world = archived.world
    manifests = ManifestCatalog(world.records, S3ManifestReader(world.s3))
    bucket = world.source_bucket
    # Each archive's first and last member: where a key-range lookup can go wrong.
    by_archive: dict[str, list[str]] = {}
    for key, entry in archived.catalog.items():
        by_archive.setdefault(entry.archive_key, []).append(key)
    edges = {edge for keys in by_archive.values() for edge in (min(keys), max(keys))}

    for key in sorted(edges):
        assert manifests.get_latest(PROJECT, bucket, key) == archived.catalog[key], key
    assert manifests.get_latest(PROJECT, bucket, f"{PREFIX}never-archived.csv") is None
    assert set(by_archive) == set(world.record(archived.job_id).archives)
