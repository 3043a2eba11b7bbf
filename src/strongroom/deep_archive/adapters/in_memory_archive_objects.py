"""In-memory archive bucket, restore bucket and notifier with S3's and SNS's restore semantics.

The archive store keeps each archive's bytes, storage class and restore state and behaves as
S3 does: archived classes are unreadable until a restore completes (:meth:`finish_restores`
plays the hours of waiting), a second RestoreObject while one runs answers "in progress", and
every request and byte served is counted so tests can hold the restore to one request per
archive and one ranged read per file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_header import NOT_RESTORED, RestoreHeader
from strongroom.deep_archive.domain.restore_progress import (
    ArchiveNotReadable,
    ArchiveObject,
    RestoreOutcome,
)
from strongroom.deep_archive.domain.restores import RetrievalTier
from strongroom.deep_archive.domain.storage import RESTORE_REQUIRED

CHUNK = 64 * 1024


@dataclass
class StoredArchive:
    data: bytes
    storage_class: str
    restore: RestoreHeader = NOT_RESTORED


@dataclass
class ArchiveTraffic:
    heads: int = 0
    restore_requests: list[tuple[str, str, str, int]] = field(default_factory=list)
    ranged_gets: list[tuple[str, str, int, int]] = field(default_factory=list)
    bytes_served: int = 0


class InMemoryArchiveStore:
    def __init__(self) -> None:
        self._archives: dict[tuple[str, str], StoredArchive] = {}
        self._lock = threading.Lock()
        self.traffic = ArchiveTraffic()

    def put(self, bucket: str, key: str, data: bytes, storage_class: str = "DEEP_ARCHIVE") -> None:
        with self._lock:
            self._archives[(bucket, key)] = StoredArchive(data, storage_class)

    def damage(self, bucket: str, key: str, offset: int) -> None:
        """Flip the bits of one byte, as media decay or a bad copy would."""
        with self._lock:
            archive = self._archives[(bucket, key)]
            data = bytearray(archive.data)
            data[offset] ^= 0xFF
            archive.data = bytes(data)

    def delete(self, bucket: str, key: str) -> None:
        with self._lock:
            del self._archives[(bucket, key)]

    def finish_restores(self, expires_in: timedelta = timedelta(days=1)) -> int:
        """Complete every running restore; how many there were."""
        expires_at = datetime.now(UTC) + expires_in
        finished = 0
        with self._lock:
            for archive in self._archives.values():
                if archive.restore.copy == "in_progress":
                    archive.restore = RestoreHeader("available", expires_at)
                    finished += 1
        return finished

    def expire_restores(self) -> None:
        with self._lock:
            for archive in self._archives.values():
                archive.restore = NOT_RESTORED

    def archive_object(self, bucket: str, key: str) -> ArchiveObject | None:
        with self._lock:
            self.traffic.heads += 1
            archive = self._archives.get((bucket, key))
            if archive is None:
                return None
            return ArchiveObject(archive.storage_class, archive.restore)

    def request_restore(
        self, bucket: str, key: str, tier: RetrievalTier, days: int
    ) -> RestoreOutcome:
        with self._lock:
            archive = self._archives[(bucket, key)]
            if archive.storage_class not in RESTORE_REQUIRED:
                raise ValueError(f"InvalidObjectState: {archive.storage_class} needs no restore")
            self.traffic.restore_requests.append((bucket, key, tier, days))
            if archive.restore.copy == "in_progress":
                return "in_progress"
            if archive.restore.copy == "available":
                return "available"
            archive.restore = RestoreHeader("in_progress")
            return "started"

    def read_range(self, bucket: str, key: str, first: int, last: int) -> Iterator[bytes]:
        with self._lock:
            archive = self._archives[(bucket, key)]
            if archive.storage_class in RESTORE_REQUIRED and not archive.restore.readable:
                raise ArchiveNotReadable(f"s3://{bucket}/{key} has no restored copy")
            self.traffic.ranged_gets.append((bucket, key, first, last))
            data = archive.data[first : last + 1]
            self.traffic.bytes_served += len(data)
        for start in range(0, len(data), CHUNK):
            yield data[start : start + CHUNK]


@dataclass(frozen=True, slots=True)
class RestoredFile:
    body: bytes
    content_type: str | None
    metadata: dict[str, str]


class InMemoryRestoredFiles:
    def __init__(self) -> None:
        self.files: dict[str, RestoredFile] = {}
        self.writes = 0

    def write(self, key: str, pieces: Iterable[bytes], entry: CatalogEntry) -> None:
        body = b"".join(pieces)
        self.writes += 1
        self.files[key] = RestoredFile(body, entry.content_type, dict(entry.metadata))


@dataclass(frozen=True, slots=True)
class PublishedMessage:
    topic_arn: str
    subject: str
    message: str
    message_id: str


class RecordingNotifier:
    def __init__(self) -> None:
        self.messages: list[PublishedMessage] = []

    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        message_id = f"message-{len(self.messages) + 1}"
        self.messages.append(PublishedMessage(topic_arn, subject, message, message_id))
        return message_id
