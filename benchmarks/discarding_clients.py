"""S3 and DynamoDB client stand-ins that drop what they are sent: the packer without a server.

``MultipartArchiveUpload`` runs unchanged against :class:`DiscardingS3`, so the packer still
copies every byte into part buffers and hashes each part with SHA-256 on its upload thread;
only the network and the server are gone. What S3 would compute server-side (the part checksum
check) is not done here, because the packer does not pay for it. Small objects (the sidecar
manifests) are kept, since the packer reads them back to write the catalog.

``DynamoDBCatalogStore`` runs unchanged against :class:`DiscardingDynamoDB`, so the catalog
phase builds every item and request as it would for DynamoDB. Every call is counted by
operation name.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


class _Body:
    """The part of botocore's StreamingBody the packer uses."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        chunk = self._data[self._offset : end]
        self._offset += len(chunk)
        return chunk

    def iter_lines(self) -> Iterator[bytes]:
        yield from self._data.splitlines()


@dataclass
class _Upload:
    key: str
    storage_class: str
    parts: dict[int, tuple[int, str]] = field(default_factory=dict)
    """Part number -> (size, base64 SHA-256 the packer sent)."""


@dataclass(frozen=True)
class _Stored:
    size: int
    checksum: str
    storage_class: str
    body: bytes | None


class _NoUploadsPaginator:
    def paginate(self, **_: object) -> Iterator[dict[str, Any]]:
        yield {"Uploads": []}


class DiscardingS3:
    """Answers the S3 calls of the packing phase; thread-safe (parts arrive on upload threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.part_bytes = 0
        """Bytes received in parts so far: how far the archive has got."""
        self._uploads: dict[str, _Upload] = {}
        self._objects: dict[tuple[str, str], _Stored] = {}

    def _count(self, operation: str) -> None:
        with self._lock:
            self.calls[operation] += 1

    def get_paginator(self, name: str) -> _NoUploadsPaginator:
        if name != "list_multipart_uploads":
            raise NotImplementedError(name)
        self._count("ListMultipartUploads")
        return _NoUploadsPaginator()

    def create_multipart_upload(self, **request: Any) -> dict[str, Any]:
        self._count("CreateMultipartUpload")
        upload_id = uuid.uuid4().hex
        with self._lock:
            self._uploads[upload_id] = _Upload(request["Key"], request["StorageClass"])
        return {"UploadId": upload_id}

    def upload_part(self, **request: Any) -> dict[str, Any]:
        self._count("UploadPart")
        size = len(request["Body"])
        with self._lock:
            upload = self._uploads[request["UploadId"]]
            upload.parts[request["PartNumber"]] = (size, request["ChecksumSHA256"])
            self.part_bytes += size
        return {
            "ETag": f'"part-{request["PartNumber"]}"',
            "ChecksumSHA256": request["ChecksumSHA256"],
        }

    def complete_multipart_upload(self, **request: Any) -> dict[str, Any]:
        self._count("CompleteMultipartUpload")
        with self._lock:
            upload = self._uploads.pop(request["UploadId"])
        numbers = [part["PartNumber"] for part in request["MultipartUpload"]["Parts"]]
        digests = b"".join(base64.b64decode(upload.parts[number][1]) for number in numbers)
        checksum = base64.b64encode(hashlib.sha256(digests).digest()).decode()
        checksum = f"{checksum}-{len(numbers)}"
        size = sum(upload.parts[number][0] for number in numbers)
        with self._lock:
            self._objects[(request["Bucket"], upload.key)] = _Stored(
                size, checksum, upload.storage_class, None
            )
        return {"ETag": f'"{uuid.uuid4().hex}-{len(numbers)}"', "ChecksumSHA256": checksum}

    def abort_multipart_upload(self, **request: Any) -> dict[str, Any]:
        self._count("AbortMultipartUpload")
        with self._lock:
            self._uploads.pop(request["UploadId"], None)
        return {}

    def head_object(self, **request: Any) -> dict[str, Any]:
        self._count("HeadObject")
        stored = self._objects[(request["Bucket"], request["Key"])]
        return {
            "ContentLength": stored.size,
            "ChecksumSHA256": stored.checksum,
            "StorageClass": stored.storage_class,
            "ETag": '"stored"',
        }

    def put_object(self, **request: Any) -> dict[str, Any]:
        self._count("PutObject")
        body = bytes(request["Body"])
        with self._lock:
            self._objects[(request["Bucket"], request["Key"])] = _Stored(
                len(body), request["ChecksumSHA256"], request["StorageClass"], body
            )
        return {"ETag": '"stored"'}

    def get_object(self, **request: Any) -> dict[str, Any]:
        self._count("GetObject")
        stored = self._objects[(request["Bucket"], request["Key"])]
        if stored.body is None:
            raise NotImplementedError("archive bytes were discarded")
        return {"Body": _Body(stored.body), "ContentLength": stored.size}


class DiscardingDynamoDB:
    """Accepts every BatchWriteItem whole (no unprocessed items) and keeps nothing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.items_written = 0

    def batch_write_item(self, **request: Any) -> dict[str, Any]:
        written = sum(len(requests) for requests in request["RequestItems"].values())
        with self._lock:
            self.calls["BatchWriteItem"] += 1
            self.items_written += written
        return {"UnprocessedItems": {}}
