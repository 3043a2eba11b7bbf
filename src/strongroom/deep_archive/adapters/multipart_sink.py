"""The zip writer's sink: an S3 multipart upload, verified before it counts as written.

Bytes are copied into a part buffer; each full buffer is uploaded by a background thread while
the next one fills, so packing and uploading overlap. At most ``parts_in_flight`` parts are
being uploaded at once and ``write`` blocks when that many are, which bounds memory whatever
the archive's size::

    memory <= (parts_in_flight + 1) * part_size

Every part is sent with our own SHA-256 (``ChecksumSHA256``), which S3 checks on arrival, and
the completed object must report the composite checksum we computed from the part digests
(``base64(sha256(digest_1 || ... || digest_N))-N``), our byte count and the storage class we
asked for; otherwise :meth:`MultipartArchiveUpload.complete` raises and the archive does not
count as written (nothing is reported, no source is deleted).
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, cast

from botocore.exceptions import ClientError

from strongroom.deep_archive.adapters.archive_objects import error_code
from strongroom.deep_archive.domain.parts import (
    DEFAULT_PART_SIZE,
    MAX_PART_SIZE,
    MAX_PARTS,
    MIN_PART_SIZE,
)
from strongroom.deep_archive.domain.storage import ArchiveStorageClass

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

ARCHIVE_CONTENT_TYPE: Final = "application/zip"


def sha256_base64(data: bytes | bytearray | memoryview) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def composite_checksum(part_digests: Sequence[bytes]) -> str:
    """S3's SHA-256 of a multipart object: the hash of the parts' raw digests, then ``-N``."""
    if not part_digests:
        raise ValueError("a multipart object has at least one part")
    combined = hashlib.sha256(b"".join(part_digests)).digest()
    return f"{base64.b64encode(combined).decode('ascii')}-{len(part_digests)}"


def same_checksum(expected: str, reported: str) -> bool:
    """Whether S3's reported checksum is ``expected``; moto leaves out the ``-N`` part count."""
    expected_digest, _, expected_parts = expected.partition("-")
    reported_digest, _, reported_parts = reported.partition("-")
    if reported_parts and reported_parts != expected_parts:
        return False
    return reported_digest == expected_digest


@dataclass(frozen=True, slots=True)
class CompletedArchive:
    """A verified archive object: what the checkpoint and the catalog record."""

    bucket: str
    key: str
    etag: str
    size: int
    part_count: int
    checksum_sha256: str
    storage_class: str
    version_id: str | None


@dataclass(frozen=True, slots=True)
class StoredObject:
    etag: str
    checksum_sha256: str
    version_id: str | None


class UploadFailedError(Exception):
    """A part could not be uploaded; the upload must be aborted."""


class UploadVerificationError(Exception):
    """The completed object is not what was written: it must not be reported as archived."""

    def __init__(self, bucket: str, key: str, problems: Sequence[str]) -> None:
        self.bucket = bucket
        self.key = key
        self.problems = tuple(problems)
        super().__init__(f"s3://{bucket}/{key} failed verification: " + "; ".join(problems))


class MultipartArchiveUpload:
    """A ``ZipSink`` writing one object through a multipart upload in ``storage_class``.

    Use from one thread (the zip writer's), as a context manager: leaving the block without a
    successful :meth:`complete` aborts the upload so no unfinished parts are left billed.
    """

    def __init__(
        self,
        s3_client: S3Client,
        bucket: str,
        key: str,
        *,
        storage_class: ArchiveStorageClass | Literal["STANDARD"],
        part_size: int = DEFAULT_PART_SIZE,
        metadata: Mapping[str, str] | None = None,
        content_type: str = ARCHIVE_CONTENT_TYPE,
        parts_in_flight: int = 1,
    ) -> None:
        if not MIN_PART_SIZE <= part_size <= MAX_PART_SIZE:
            raise ValueError(f"part_size must be 5 MiB..5 GiB, got {part_size}")
        if parts_in_flight < 1:
            raise ValueError(f"parts_in_flight must be at least 1, got {parts_in_flight}")
        self._s3 = s3_client
        self.bucket = bucket
        self.key = key
        self.storage_class = storage_class
        self.part_size = part_size
        self.parts_in_flight = parts_in_flight
        self._metadata = dict(metadata or {})
        self._content_type = content_type
        self._upload_id: str | None = None
        self._buffer = bytearray(part_size)
        self._filled = 0
        self._spare: list[bytearray] = []
        self._spare_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(parts_in_flight)
        self._uploader = ThreadPoolExecutor(parts_in_flight, "part-upload")
        self._uploads: list[Future[tuple[CompletedPartTypeDef, bytes]]] = []
        self._failure: BaseException | None = None
        self._bytes_written = 0
        self._state = "open"

    @property
    def upload_id(self) -> str | None:
        return self._upload_id

    @property
    def bytes_written(self) -> int:
        return self._bytes_written

    def __enter__(self) -> MultipartArchiveUpload:
        return self

    def __exit__(self, *_: object) -> None:
        if self._state != "completed":
            self.abort()

    def write(self, data: bytes | memoryview, /) -> None:
        """Copy ``data`` into the part buffer, handing full parts to the uploader."""
        self._ensure_open()
        view = memoryview(data).cast("B")
        while view:
            room = self.part_size - self._filled
            taken = min(room, len(view))
            # Through a memoryview: assigning a non-bytearray to a bytearray slice copies it first.
            with memoryview(self._buffer) as target:
                target[self._filled : self._filled + taken] = view[:taken]
            self._filled += taken
            self._bytes_written += taken
            view = view[taken:]
            if self._filled == self.part_size:
                self._send_part(self._buffer)
                self._buffer = self._fresh_buffer()
                self._filled = 0

    def complete(self) -> CompletedArchive:
        """Upload the last part, complete the upload, then verify the object S3 made of it."""
        self._ensure_open()
        if self._bytes_written == 0:
            raise ValueError("nothing was written: an archive is never empty")
        if self._filled:
            del self._buffer[self._filled :]
            self._send_part(self._buffer)
            self._filled = 0
        self._buffer = bytearray()
        parts, digests = self._finished_parts()
        expected = composite_checksum(digests)
        response = self._s3.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._started(),
            MultipartUpload={"Parts": parts},
        )
        self._state = "completed"
        self._uploader.shutdown(wait=False)
        problems: list[str] = []
        completed_checksum = response.get("ChecksumSHA256")
        if completed_checksum and not same_checksum(expected, completed_checksum):
            problems.append(f"completed checksum {completed_checksum}, expected {expected}")
        archive = CompletedArchive(
            bucket=self.bucket,
            key=self.key,
            etag=response.get("ETag", ""),
            size=self._bytes_written,
            part_count=len(parts),
            checksum_sha256=expected,
            storage_class=self.storage_class,
            version_id=response.get("VersionId"),
        )
        problems.extend(verify_object(self._s3, archive))
        if problems:
            raise UploadVerificationError(self.bucket, self.key, problems)
        return archive

    def abort(self) -> None:
        """Drop the upload and its parts; safe to call twice or before anything was sent."""
        if self._state in {"aborted", "completed"}:
            return
        self._state = "aborted"
        self._uploader.shutdown(wait=True, cancel_futures=True)
        self._buffer = bytearray()
        self._spare.clear()
        if self._upload_id is None:
            return
        try:
            self._s3.abort_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self._upload_id
            )
        except ClientError as error:
            if error_code(error) != "NoSuchUpload":
                raise

    def _ensure_open(self) -> None:
        if self._state != "open":
            raise UploadFailedError(f"the upload of s3://{self.bucket}/{self.key} is {self._state}")
        if self._failure is not None:
            raise UploadFailedError(
                f"a part of s3://{self.bucket}/{self.key} failed to upload: {self._failure}"
            ) from self._failure

    def _started(self) -> str:
        if self._upload_id is None:
            response = self._s3.create_multipart_upload(
                Bucket=self.bucket,
                Key=self.key,
                StorageClass=self.storage_class,
                ChecksumAlgorithm="SHA256",
                ContentType=self._content_type,
                Metadata=self._metadata,
            )
            self._upload_id = response["UploadId"]
        return self._upload_id

    def _send_part(self, buffer: bytearray) -> None:
        part_number = len(self._uploads) + 1
        if part_number > MAX_PARTS:
            raise UploadFailedError(
                f"s3://{self.bucket}/{self.key} needs more than {MAX_PARTS} parts of "
                f"{self.part_size} bytes: choose the part size with part_size_for()"
            )
        upload_id = self._started()
        self._slots.acquire()
        try:
            future = self._uploader.submit(self._upload_part, upload_id, part_number, buffer)
        except BaseException:
            self._slots.release()
            raise
        self._uploads.append(future)

    def _upload_part(
        self, upload_id: str, part_number: int, buffer: bytearray
    ) -> tuple[CompletedPartTypeDef, bytes]:
        try:
            digest = hashlib.sha256(buffer).digest()
            checksum = base64.b64encode(digest).decode("ascii")
            response = self._s3.upload_part(
                Bucket=self.bucket,
                Key=self.key,
                UploadId=upload_id,
                PartNumber=part_number,
                Body=cast("bytes", buffer),  # botocore takes bytearray as is; no copy
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=checksum,
            )
            echoed = response.get("ChecksumSHA256")
            if echoed is not None and echoed != checksum:
                raise UploadFailedError(
                    f"part {part_number}: S3 computed SHA-256 {echoed}, we sent {checksum}"
                )
        except BaseException as error:
            self._failure = error
            self._slots.release()
            raise
        # Recycle the buffer before freeing the slot, so the writer never allocates a third.
        if len(buffer) == self.part_size:
            with self._spare_lock:
                self._spare.append(buffer)
        self._slots.release()
        part: CompletedPartTypeDef = {
            "PartNumber": part_number,
            "ETag": response["ETag"],
            "ChecksumSHA256": checksum,
        }
        return part, digest

    def _fresh_buffer(self) -> bytearray:
        with self._spare_lock:
            if self._spare:
                return self._spare.pop()
        return bytearray(self.part_size)

    def _finished_parts(self) -> tuple[list[CompletedPartTypeDef], list[bytes]]:
        parts: list[CompletedPartTypeDef] = []
        digests: list[bytes] = []
        try:
            for future in self._uploads:
                part, digest = future.result()
                parts.append(part)
                digests.append(digest)
        except Exception as error:
            raise UploadFailedError(
                f"a part of s3://{self.bucket}/{self.key} failed to upload: {error}"
            ) from error
        return parts, digests


def verify_object(s3_client: S3Client, expected: CompletedArchive) -> list[str]:
    """What differs between the stored object and ``expected`` (empty: it is what we wrote)."""
    head = s3_client.head_object(Bucket=expected.bucket, Key=expected.key, ChecksumMode="ENABLED")
    problems: list[str] = []
    if head["ContentLength"] != expected.size:
        problems.append(f"size {head['ContentLength']}, expected {expected.size}")
    reported = head.get("ChecksumSHA256")
    if reported is None:
        problems.append("S3 reports no SHA-256 checksum")
    elif not same_checksum(expected.checksum_sha256, reported):
        problems.append(f"checksum {reported}, expected {expected.checksum_sha256}")
    storage_class = head.get("StorageClass", "STANDARD")  # S3 omits it for STANDARD
    if storage_class != expected.storage_class:
        problems.append(f"storage class {storage_class}, expected {expected.storage_class}")
    return problems


def abort_stale_uploads(s3_client: S3Client, bucket: str, key: str) -> int:
    """Abort every unfinished multipart upload of exactly ``key``; how many there were.

    A crashed packer leaves its upload open (its parts billed, never visible); the rerun calls
    this before writing the same archive key again.
    """
    aborted = 0
    pages = s3_client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=key)
    for page in pages:
        for upload in page.get("Uploads", []):
            if upload.get("Key") != key or "UploadId" not in upload:
                continue
            try:
                s3_client.abort_multipart_upload(
                    Bucket=bucket, Key=key, UploadId=upload["UploadId"]
                )
            except ClientError as error:
                if error_code(error) != "NoSuchUpload":
                    raise
                continue
            aborted += 1
    return aborted


def put_readable(
    s3_client: S3Client,
    bucket: str,
    key: str,
    body: bytes,
    content_type: str,
    *,
    storage_class: Literal["STANDARD", "STANDARD_IA"] = "STANDARD",
) -> StoredObject:
    """Write a sidecar (manifest, plan, report) readable without a restore (STANDARD, or
    STANDARD_IA for what is rarely read), with a SHA-256 that S3 checks on arrival."""
    checksum = sha256_base64(body)
    response = s3_client.put_object(
        Bucket=bucket,
        Key=key,
        Body=body,
        ContentType=content_type,
        StorageClass=storage_class,
        ChecksumAlgorithm="SHA256",
        ChecksumSHA256=checksum,
    )
    return StoredObject(
        etag=response.get("ETag", ""),
        checksum_sha256=checksum,
        version_id=response.get("VersionId"),
    )
