"""The archive sink against an in-memory S3: part numbering, checksums, memory bound, failures."""

from __future__ import annotations

import base64
import hashlib
import random
import tracemalloc
from typing import TYPE_CHECKING, cast

import pytest

from strongroom.deep_archive.adapters import multipart_sink
from strongroom.deep_archive.adapters.multipart_sink import (
    MIN_PART_SIZE,
    MultipartArchiveUpload,
    UploadFailedError,
    UploadVerificationError,
    abort_stale_uploads,
    put_readable,
)
from tests.unit.deep_archive_s3.fake_s3 import MIB, FakeS3

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

BUCKET = "archive-bucket"
KEY = "out/project/run/part-000000.zip"


def as_client(fake: FakeS3) -> S3Client:
    return cast("S3Client", fake)


def payload(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def write_in_pieces(sink: MultipartArchiveUpload, data: bytes, piece: int) -> None:
    view = memoryview(data)
    for start in range(0, len(view), piece):
        sink.write(view[start : start + piece])


def upload_parts(fake: FakeS3, parts: int, *, complete: bool) -> None:
    """Write ``parts`` full 5 MiB parts inside the sink's block, which aborts on the way out."""
    with MultipartArchiveUpload(
        as_client(fake), BUCKET, KEY, storage_class="DEEP_ARCHIVE", part_size=MIN_PART_SIZE
    ) as sink:
        for _ in range(parts):
            sink.write(payload(MIN_PART_SIZE))
        if complete:
            sink.complete()


def test_parts_are_numbered_in_order_and_reassemble_the_bytes() -> None:
    # Given 12 MiB + 5 bytes written in odd-sized pieces, with 5 MiB parts
    fake = FakeS3()
    data = payload(12 * MIB + 5)
    # When the upload completes
    with MultipartArchiveUpload(
        as_client(fake), BUCKET, KEY, storage_class="DEEP_ARCHIVE", part_size=MIN_PART_SIZE
    ) as sink:
        write_in_pieces(sink, data, 777_777)
        archive = sink.complete()
    # Then three parts (5, 5, 2 MiB + 5) make up exactly the bytes written
    stored = fake.objects[KEY]
    assert stored.data == data
    assert sorted(fake.part_calls) == [1, 2, 3]
    assert archive.part_count == 3
    assert archive.size == len(data)
    assert archive.storage_class == "DEEP_ARCHIVE"
    assert archive.checksum_sha256 == stored.checksum
    assert archive.checksum_sha256.endswith("-3")
    assert fake.aborted == []


def test_the_expected_checksum_is_the_composite_of_the_part_digests() -> None:
    fake = FakeS3()
    data = payload(MIN_PART_SIZE + 100)
    with MultipartArchiveUpload(
        as_client(fake), BUCKET, KEY, storage_class="GLACIER", part_size=MIN_PART_SIZE
    ) as sink:
        sink.write(data)
        archive = sink.complete()
    digests = (
        hashlib.sha256(data[:MIN_PART_SIZE]).digest()
        + hashlib.sha256(data[MIN_PART_SIZE:]).digest()
    )
    assert archive.checksum_sha256 == (
        base64.b64encode(hashlib.sha256(digests).digest()).decode() + "-2"
    )


def test_a_single_small_archive_is_one_part() -> None:
    fake = FakeS3()
    with MultipartArchiveUpload(as_client(fake), BUCKET, KEY, storage_class="DEEP_ARCHIVE") as sink:
        sink.write(b"PK\x05\x06" + bytes(18))
        archive = sink.complete()
    assert archive.part_count == 1
    assert fake.objects[KEY].data == b"PK\x05\x06" + bytes(18)


def test_the_object_is_created_with_the_storage_class_type_and_metadata() -> None:
    fake = FakeS3()
    with MultipartArchiveUpload(
        as_client(fake), BUCKET, KEY, storage_class="GLACIER_IR", metadata={"job-id": "j-1"}
    ) as sink:
        sink.write(b"x")
        sink.complete()
    (created,) = fake.created
    assert created.storage_class == "GLACIER_IR"
    assert created.content_type == "application/zip"
    assert created.metadata == {"job-id": "j-1"}


@pytest.mark.parametrize("parts_in_flight", [1, 2])
def test_memory_stays_within_in_flight_plus_one_parts(parts_in_flight: int) -> None:
    # Given a 12-part archive written in 1 MiB pieces, the fake keeping no data
    fake = FakeS3(keep_data=False)
    piece = payload(MIB)
    tracemalloc.start()
    try:
        with MultipartArchiveUpload(
            as_client(fake),
            BUCKET,
            KEY,
            storage_class="DEEP_ARCHIVE",
            part_size=MIN_PART_SIZE,
            parts_in_flight=parts_in_flight,
        ) as sink:
            for _ in range(12 * 5):
                sink.write(piece)
            sink.complete()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Then no more than (in flight + 1) part buffers ever existed, and no copies of them
    assert fake.max_concurrent_parts <= parts_in_flight
    assert peak < (parts_in_flight + 1) * MIN_PART_SIZE + 256 * 1024
    assert sorted(fake.part_calls) == list(range(1, 13))


def test_a_failed_part_fails_the_upload_and_leaving_aborts_it() -> None:
    fake = FakeS3(keep_data=False)
    fake.fail_part = 2
    with pytest.raises(UploadFailedError, match="failed to upload"):
        upload_parts(fake, 4, complete=True)
    assert fake.uploads == {}
    assert len(fake.aborted) == 1
    assert KEY not in fake.objects


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        ({"ContentLength": 1}, "size 1, expected"),
        ({"ChecksumSHA256": base64.b64encode(bytes(32)).decode() + "-1"}, "checksum"),
        ({"StorageClass": "STANDARD_IA"}, "storage class STANDARD_IA, expected DEEP_ARCHIVE"),
    ],
)
def test_a_completed_object_that_differs_is_not_reported_as_written(
    tamper: dict[str, object], problem: str
) -> None:
    fake = FakeS3()
    fake.tamper = tamper
    sink = MultipartArchiveUpload(as_client(fake), BUCKET, KEY, storage_class="DEEP_ARCHIVE")
    sink.write(b"archive bytes")
    with pytest.raises(UploadVerificationError, match=problem) as raised:
        sink.complete()
    assert raised.value.key == KEY


def test_a_checksum_without_the_part_count_is_accepted_as_moto_reports_it() -> None:
    fake = FakeS3()
    data = b"archive bytes"
    fake.tamper = {
        "ChecksumSHA256": base64.b64encode(
            hashlib.sha256(hashlib.sha256(data).digest()).digest()
        ).decode()
    }
    sink = MultipartArchiveUpload(as_client(fake), BUCKET, KEY, storage_class="DEEP_ARCHIVE")
    sink.write(data)
    assert sink.complete().checksum_sha256.endswith("-1")


def test_completing_an_empty_archive_is_refused_and_nothing_is_created() -> None:
    fake = FakeS3()
    with (
        pytest.raises(ValueError, match="nothing was written"),
        MultipartArchiveUpload(as_client(fake), BUCKET, KEY, storage_class="DEEP_ARCHIVE") as sink,
    ):
        sink.complete()
    assert fake.uploads == {}
    assert fake.aborted == []


def test_writing_after_completion_is_refused() -> None:
    fake = FakeS3()
    sink = MultipartArchiveUpload(as_client(fake), BUCKET, KEY, storage_class="DEEP_ARCHIVE")
    sink.write(b"x")
    sink.complete()
    with pytest.raises(UploadFailedError, match="completed"):
        sink.write(b"y")


def test_more_parts_than_s3_allows_are_refused_before_upload(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(multipart_sink, "MAX_PARTS", 2)
    fake = FakeS3(keep_data=False)
    with pytest.raises(UploadFailedError, match="more than 2 parts"):
        upload_parts(fake, 3, complete=False)
    assert 3 not in fake.part_calls  # part 2 may or may not have left before the abort
    assert len(fake.aborted) == 1


@pytest.mark.parametrize("part_size", [MIN_PART_SIZE - 1, 5 * 1024 * MIB + 1])
def test_part_sizes_outside_s3_limits_are_refused(part_size: int) -> None:
    with pytest.raises(ValueError, match=r"5 MiB\.\.5 GiB"):
        MultipartArchiveUpload(
            as_client(FakeS3()), BUCKET, KEY, storage_class="DEEP_ARCHIVE", part_size=part_size
        )


def test_abort_stale_uploads_aborts_only_that_exact_key() -> None:
    # Given three unfinished uploads of the key (over two listing pages) and one of a longer key
    fake = FakeS3()
    for key in (KEY, KEY, "other.zip", KEY + ".tmp", KEY):
        fake.create_multipart_upload(Bucket=BUCKET, Key=key, ChecksumAlgorithm="SHA256")
    # When
    aborted = abort_stale_uploads(as_client(fake), BUCKET, KEY)
    # Then
    assert aborted == 3
    assert sorted(upload.key for upload in fake.uploads.values()) == ["other.zip", KEY + ".tmp"]


def test_put_readable_writes_standard_with_its_sha256() -> None:
    fake = FakeS3()
    body = b'{"key": "a"}\n'
    stored = put_readable(
        as_client(fake), BUCKET, "out/manifest.jsonl", body, "application/x-ndjson"
    )
    obj = fake.objects["out/manifest.jsonl"]
    assert obj.storage_class == "STANDARD"
    assert obj.content_type == "application/x-ndjson"
    assert stored.checksum_sha256 == base64.b64encode(hashlib.sha256(body).digest()).decode()
