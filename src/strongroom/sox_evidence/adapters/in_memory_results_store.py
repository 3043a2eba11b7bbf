"""The results bucket's in-memory twin: versioned, conditional writes, as the S3 adapter."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from strongroom.sox_evidence.adapters.results_store import ObjectExists


class ChecksumMismatch(ValueError):
    """The body's SHA-256 differs from the one sent with it (S3 answers BadDigest)."""


class InMemoryResultsStore:
    def __init__(self, bucket: str = "sox-results") -> None:
        self.bucket = bucket
        self.objects: dict[str, list[bytes]] = {}
        """Every version of every key, oldest first."""

    def _put(self, key: str, body: bytes) -> str:
        if key in self.objects:
            raise ObjectExists(f"s3://{self.bucket}/{key} exists: runs never overwrite")
        self.objects[key] = [body]
        return "v1"

    def put_file(self, key: str, path: Path, sha256_hex: str) -> str | None:
        body = path.read_bytes()
        if hashlib.sha256(body).hexdigest() != sha256_hex:
            raise ChecksumMismatch(key)
        return self._put(key, body)

    def put_bytes(self, key: str, body: bytes, content_type: str) -> str | None:  # noqa: ARG002
        return self._put(key, body)

    def overwrite(self, key: str, body: bytes) -> None:
        """What a tamperer with write access does: a new version over the key."""
        self.objects.setdefault(key, []).append(body)

    def download(self, key: str, version_id: str | None, into: BinaryIO) -> None:
        versions = self.objects[key]
        into.write(versions[int(version_id[1:]) - 1] if version_id else versions[-1])

    def get_bytes(self, key: str) -> bytes:
        return self.objects[key][-1]

    def list_keys(self, prefix: str) -> list[str]:
        return sorted(key for key in self.objects if key.startswith(prefix))
