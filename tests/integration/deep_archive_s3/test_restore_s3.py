"""The restore's S3 adapters against moto's S3, with restores that take time as on AWS."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from strongroom.deep_archive.adapters.archive_objects import RangeLengthError, S3ArchiveStore
from strongroom.deep_archive.adapters.restored_files import S3RestoredFiles
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_progress import ArchiveNotReadable
from strongroom.deep_archive.domain.zip_reader import MemberIntegrityError
from strongroom.local.s3_restore import RestoreDelay

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MIB = 1024 * 1024


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def delay() -> Iterator[tuple[RestoreDelay, ManualClock]]:
    clock = ManualClock()
    restore_delay = RestoreDelay(3600, clock=clock, tick_seconds=0.05)
    restore_delay.install()
    yield restore_delay, clock
    restore_delay.uninstall()


def _entry(key: str, body: bytes, **changes: object) -> CatalogEntry:
    values: dict[str, object] = {
        "project": "demo",
        "source_bucket": "source",
        "key": key,
        "etag": '"e"',
        "last_modified": datetime(2025, 4, 10, tzinfo=UTC),
        "content_type": "text/csv",
        "metadata": {"branch": "north"},
        "size": len(body),
        "archive_bucket": "archive",
        "archive_key": "a.zip",
        "storage_class": "DEEP_ARCHIVE",
        "header_offset": 0,
        "data_offset": 30,
        "compressed_size": len(body),
        "method": "stored",
        "crc32": 0,
        "sha256": hashlib.sha256(body).hexdigest(),
        "job_id": "job",
        "archived_at": datetime(2025, 5, 10, tzinfo=UTC),
        **changes,
    }
    return CatalogEntry.model_validate(values)


def test_an_archive_goes_from_absent_to_in_progress_to_readable(
    s3: S3Client, bucket: str, delay: tuple[RestoreDelay, ManualClock]
) -> None:
    restore_delay, clock = delay
    s3.put_object(Bucket=bucket, Key="a.zip", Body=b"0123456789", StorageClass="DEEP_ARCHIVE")
    archives = S3ArchiveStore(s3)

    before = archives.archive_object(bucket, "a.zip")
    started = archives.request_restore(bucket, "a.zip", "Bulk", 1)
    during = archives.archive_object(bucket, "a.zip")
    joined = archives.request_restore(bucket, "a.zip", "Bulk", 1)
    with pytest.raises(ArchiveNotReadable):
        list(archives.read_range(bucket, "a.zip", 2, 5))
    clock.now += 3601
    restore_delay.complete_due()
    after = archives.archive_object(bucket, "a.zip")
    again = archives.request_restore(bucket, "a.zip", "Bulk", 1)

    assert before is not None
    assert (before.storage_class, before.restore.copy) == ("DEEP_ARCHIVE", "absent")
    assert (started, joined, again) == ("started", "in_progress", "available")
    assert during is not None
    assert during.restore.copy == "in_progress"
    assert after is not None
    assert after.restore.readable
    assert b"".join(archives.read_range(bucket, "a.zip", 2, 5)) == b"2345"


def test_a_missing_archive_is_none_and_a_short_range_is_an_error(s3: S3Client, bucket: str) -> None:
    archives = S3ArchiveStore(s3)
    s3.put_object(Bucket=bucket, Key="small.zip", Body=b"0123")

    assert archives.archive_object(bucket, "gone.zip") is None
    with pytest.raises(RangeLengthError):
        list(archives.read_range(bucket, "small.zip", 2, 10))


def test_a_small_file_is_stored_with_its_type_metadata_and_checked_sha256(
    s3: S3Client, bucket: str
) -> None:
    body = b"report,value\n1,2\n"
    S3RestoredFiles(bucket, s3).write(
        "restores/r1/x/report.csv", iter([body]), _entry("x/report.csv", body)
    )

    stored = s3.get_object(Bucket=bucket, Key="restores/r1/x/report.csv", ChecksumMode="ENABLED")
    assert stored["Body"].read() == body
    assert stored["ContentType"] == "text/csv"
    assert stored["Metadata"] == {"branch": "north"}
    assert stored["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()


def test_a_large_file_streams_through_a_multipart_upload(s3: S3Client, bucket: str) -> None:
    body = os.urandom(6 * MIB + 123)
    entry = _entry("big.bin", body, content_type=None)
    pieces = (body[start : start + MIB] for start in range(0, len(body), MIB))

    S3RestoredFiles(bucket, s3, single_put_limit=MIB).write("restores/r1/big.bin", pieces, entry)

    stored = s3.get_object(Bucket=bucket, Key="restores/r1/big.bin")
    assert hashlib.sha256(stored["Body"].read()).digest() == hashlib.sha256(body).digest()
    assert stored["ContentType"] == "binary/octet-stream"


def test_a_large_file_failing_its_checks_leaves_nothing_behind(s3: S3Client, bucket: str) -> None:
    body = os.urandom(7 * MIB)
    entry = _entry("big.bin", body)

    def pieces() -> Iterator[bytes]:
        yield body[: 6 * MIB]
        raise MemberIntegrityError("crc32", "00000000, expected 12345678")

    with pytest.raises(MemberIntegrityError):
        S3RestoredFiles(bucket, s3, single_put_limit=MIB).write(
            "restores/r1/big.bin", pieces(), entry
        )

    assert s3.list_objects_v2(Bucket=bucket, Prefix="restores/")["KeyCount"] == 0
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
