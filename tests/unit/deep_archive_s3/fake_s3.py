"""An in-memory S3 that speaks the multipart calls the archive sink makes, checking what S3 checks.

It rejects a part whose ``ChecksumSHA256`` does not match its body (S3's BadDigest), a part
below 5 MiB that is not the last (EntityTooSmall) and a completion whose part ETags or
checksums differ from the uploaded ones; it reports the composite checksum as AWS does
(``...-N``). ``tamper`` makes ``head_object`` lie, to exercise the sink's verification.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

MIB = 1024 * 1024


def client_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


@dataclass
class FakePart:
    size: int
    digest: bytes
    etag: str
    data: bytes | None


@dataclass
class FakeUpload:
    key: str
    storage_class: str
    content_type: str
    metadata: dict[str, str]
    parts: dict[int, FakePart] = field(default_factory=dict)


@dataclass
class FakeObject:
    size: int
    checksum: str
    storage_class: str
    etag: str
    content_type: str
    data: bytes | None


class FakeS3:
    def __init__(self, *, keep_data: bool = True) -> None:
        self.keep_data = keep_data
        self.uploads: dict[str, FakeUpload] = {}
        self.created: list[FakeUpload] = []
        self.objects: dict[str, FakeObject] = {}
        self.aborted: list[str] = []
        self.part_calls: list[int] = []
        self.tamper: dict[str, Any] = {}
        self.fail_part: int | None = None
        self.before_part: Callable[[int], None] | None = None
        self._lock = threading.Lock()
        self._uploading = 0
        self.max_concurrent_parts = 0
        self._next_id = 0

    def create_multipart_upload(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs["ChecksumAlgorithm"] == "SHA256"
        with self._lock:
            self._next_id += 1
            upload_id = f"upload-{self._next_id}"
        upload = FakeUpload(
            key=kwargs["Key"],
            storage_class=kwargs.get("StorageClass", "STANDARD"),
            content_type=kwargs.get("ContentType", "binary/octet-stream"),
            metadata=dict(kwargs.get("Metadata", {})),
        )
        self.uploads[upload_id] = upload
        self.created.append(upload)
        return {"UploadId": upload_id, "Bucket": kwargs["Bucket"], "Key": kwargs["Key"]}

    def upload_part(self, **kwargs: Any) -> dict[str, Any]:
        number = kwargs["PartNumber"]
        with self._lock:
            self._uploading += 1
            self.max_concurrent_parts = max(self.max_concurrent_parts, self._uploading)
            self.part_calls.append(number)
        try:
            if self.before_part is not None:
                self.before_part(number)
            if number == self.fail_part:
                raise client_error("InternalError", "UploadPart")
            upload = self._upload(kwargs["UploadId"], kwargs["Key"], "UploadPart")
            body = kwargs["Body"]
            digest = hashlib.sha256(body).digest()
            checksum = base64.b64encode(digest).decode()
            if kwargs.get("ChecksumAlgorithm") != "SHA256" or kwargs["ChecksumSHA256"] != checksum:
                raise client_error("BadDigest", "UploadPart")
            etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
            upload.parts[number] = FakePart(
                len(body), digest, etag, bytes(body) if self.keep_data else None
            )
            return {"ETag": etag, "ChecksumSHA256": checksum}
        finally:
            with self._lock:
                self._uploading -= 1

    def complete_multipart_upload(self, **kwargs: Any) -> dict[str, Any]:
        upload = self._upload(kwargs["UploadId"], kwargs["Key"], "CompleteMultipartUpload")
        listed = kwargs["MultipartUpload"]["Parts"]
        numbers = [part["PartNumber"] for part in listed]
        if numbers != sorted(numbers) or numbers != sorted(upload.parts):
            raise client_error("InvalidPartOrder", "CompleteMultipartUpload")
        for position, part in enumerate(listed):
            stored = upload.parts[part["PartNumber"]]
            checksum = base64.b64encode(stored.digest).decode()
            if part["ETag"] != stored.etag or part.get("ChecksumSHA256") != checksum:
                raise client_error("InvalidPart", "CompleteMultipartUpload")
            if position < len(listed) - 1 and stored.size < 5 * MIB:
                raise client_error("EntityTooSmall", "CompleteMultipartUpload")
        ordered = [upload.parts[number] for number in numbers]
        combined = hashlib.sha256(b"".join(part.digest for part in ordered)).digest()
        checksum = f"{base64.b64encode(combined).decode()}-{len(ordered)}"
        data = b"".join(part.data or b"" for part in ordered) if self.keep_data else None
        etag = f'"multipart-{len(ordered)}"'
        self.objects[upload.key] = FakeObject(
            size=sum(part.size for part in ordered),
            checksum=checksum,
            storage_class=upload.storage_class,
            etag=etag,
            content_type=upload.content_type,
            data=data,
        )
        del self.uploads[kwargs["UploadId"]]
        return {"ETag": etag, "Bucket": kwargs["Bucket"], "Key": upload.key}

    def abort_multipart_upload(self, **kwargs: Any) -> dict[str, Any]:
        self._upload(kwargs["UploadId"], kwargs["Key"], "AbortMultipartUpload")
        del self.uploads[kwargs["UploadId"]]
        self.aborted.append(kwargs["UploadId"])
        return {}

    def head_object(self, **kwargs: Any) -> dict[str, Any]:
        stored = self.objects.get(kwargs["Key"])
        if stored is None:
            raise client_error("404", "HeadObject")
        response: dict[str, Any] = {
            "ContentLength": stored.size,
            "ETag": stored.etag,
            "ContentType": stored.content_type,
        }
        if kwargs.get("ChecksumMode") == "ENABLED":
            response["ChecksumSHA256"] = stored.checksum
        if stored.storage_class != "STANDARD":
            response["StorageClass"] = stored.storage_class
        response.update(self.tamper)
        return response

    def put_object(self, **kwargs: Any) -> dict[str, Any]:
        body = kwargs["Body"]
        checksum = base64.b64encode(hashlib.sha256(body).digest()).decode()
        if kwargs.get("ChecksumSHA256") != checksum:
            raise client_error("BadDigest", "PutObject")
        self.objects[kwargs["Key"]] = FakeObject(
            size=len(body),
            checksum=checksum,
            storage_class=kwargs.get("StorageClass", "STANDARD"),
            etag='"single"',
            content_type=kwargs.get("ContentType", "binary/octet-stream"),
            data=bytes(body),
        )
        return {"ETag": '"single"', "ChecksumSHA256": checksum}

    def get_paginator(self, operation: str) -> FakePaginator:
        assert operation == "list_multipart_uploads"
        return FakePaginator(self)

    def _upload(self, upload_id: str, key: str, operation: str) -> FakeUpload:
        upload = self.uploads.get(upload_id)
        if upload is None or upload.key != key:
            raise client_error("NoSuchUpload", operation)
        return upload


class FakePaginator:
    """Two uploads a page, so callers must follow pages."""

    def __init__(self, s3: FakeS3) -> None:
        self._s3 = s3

    def paginate(self, *, Bucket: str, Prefix: str = "") -> Iterator[dict[str, Any]]:
        uploads = [
            {"Key": upload.key, "UploadId": upload_id}
            for upload_id, upload in sorted(self._s3.uploads.items())
            if upload.key.startswith(Prefix)
        ]
        for start in range(0, max(len(uploads), 1), 2):
            yield {"Bucket": Bucket, "Uploads": uploads[start : start + 2]}
