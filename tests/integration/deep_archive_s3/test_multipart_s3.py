"""Archives written through the multipart sink into S3 (moto), verified by head_object."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from strongroom.deep_archive.adapters.multipart_sink import (
    MIN_PART_SIZE,
    MultipartArchiveUpload,
    abort_stale_uploads,
    put_readable,
    sha256_base64,
)
from strongroom.deep_archive.domain.zip_writer import ArchiveWriter

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
MODIFIED = datetime(2025, 4, 10, 3, 0, tzinfo=UTC)
KEY = "archives/finance/2025-04/part-000000.zip"


def members(seed: int) -> dict[str, bytes]:
    rng = random.Random(seed)
    return {
        "daily/ledger.bin": rng.randbytes(6 * MIB),  # incompressible: stays large
        "daily/notes.txt": b"approved\n" * 1000,
        "daily/big-stream.bin": rng.randbytes(5 * MIB + 17),
    }


def write_archive(sink: MultipartArchiveUpload, files: dict[str, bytes]) -> None:
    writer = ArchiveWriter(sink)
    for name, data in files.items():
        if name.endswith("stream.bin"):
            chunks = (data[start : start + MIB] for start in range(0, len(data), MIB))
            writer.add_stream(name, chunks, modified=MODIFIED, compress=False)
        else:
            writer.add(name, data, modified=MODIFIED)
    writer.close()


def test_an_archive_lands_in_deep_archive_verified(s3: S3Client, bucket: str) -> None:
    # Given a zip of about 11 MiB written through 5 MiB parts, two in flight
    with MultipartArchiveUpload(
        s3,
        bucket,
        KEY,
        storage_class="DEEP_ARCHIVE",
        part_size=MIN_PART_SIZE,
        metadata={"job-id": "job-1"},
        parts_in_flight=2,
    ) as sink:
        write_archive(sink, members(1))
        # When it completes
        archive = sink.complete()
    # Then S3 holds it in DEEP_ARCHIVE with our size and composite checksum
    head = s3.head_object(Bucket=bucket, Key=KEY, ChecksumMode="ENABLED")
    assert head["StorageClass"] == "DEEP_ARCHIVE"
    assert head["ContentLength"] == archive.size == sink.bytes_written
    assert head["ChecksumSHA256"] == archive.checksum_sha256.split("-")[0]
    assert head["Metadata"] == {"job-id": "job-1"}
    assert head["ContentType"] == "application/zip"
    assert archive.part_count == 3
    assert archive.etag == head["ETag"]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_the_archive_read_back_is_the_zip_that_was_written(s3: S3Client, bucket: str) -> None:
    files = members(2)
    with MultipartArchiveUpload(
        s3, bucket, KEY, storage_class="GLACIER_IR", part_size=MIN_PART_SIZE
    ) as sink:
        write_archive(sink, files)
        sink.complete()
    body = s3.get_object(Bucket=bucket, Key=KEY)["Body"].read()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == files


def write_then_fail(s3: S3Client, bucket: str) -> None:
    with MultipartArchiveUpload(
        s3, bucket, KEY, storage_class="DEEP_ARCHIVE", part_size=MIN_PART_SIZE
    ) as sink:
        sink.write(bytes(MIN_PART_SIZE + 1))  # one part has gone out
        raise RuntimeError("source vanished")


def test_a_failed_archive_leaves_no_upload_behind(s3: S3Client, bucket: str) -> None:
    with pytest.raises(RuntimeError, match="source vanished"):
        write_then_fail(s3, bucket)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_stale_uploads_of_the_archive_key_are_aborted_and_others_kept(
    s3: S3Client, bucket: str
) -> None:
    # Given two uploads of the key left by crashed runs, and one of another archive
    for key in (KEY, KEY, KEY.replace("000000", "000001")):
        s3.create_multipart_upload(Bucket=bucket, Key=key, StorageClass="DEEP_ARCHIVE")
    # When the rerun clears its key
    aborted = abort_stale_uploads(s3, bucket, KEY)
    # Then
    assert aborted == 2
    remaining = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [upload.get("Key") for upload in remaining] == [KEY.replace("000000", "000001")]


def test_a_sidecar_manifest_is_readable_with_its_checksum(s3: S3Client, bucket: str) -> None:
    body = b'{"key": "daily/notes.txt"}\n'
    stored = put_readable(s3, bucket, "archives/part-000000.jsonl", body, "application/x-ndjson")
    head = s3.head_object(Bucket=bucket, Key="archives/part-000000.jsonl", ChecksumMode="ENABLED")
    assert head.get("StorageClass", "STANDARD") == "STANDARD"
    assert head["ChecksumSHA256"] == stored.checksum_sha256 == sha256_base64(body)
    assert head["ContentType"] == "application/x-ndjson"
