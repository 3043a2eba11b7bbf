"""Real archives for restore tests: files packed by the packer's own writer, and their catalog."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.projects import Project, SourceLocation
from strongroom.deep_archive.domain.zip_writer import ArchiveWriter

PROJECT = "demo"
SOURCE_BUCKET = "source-bucket"
ARCHIVE_BUCKET = "archive-bucket"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:restores"
MODIFIED = datetime(2025, 4, 10, 3, 0, tzinfo=UTC)
ARCHIVED = datetime(2025, 5, 10, 3, 0, tzinfo=UTC)


class Sink:
    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, data: bytes | memoryview, /) -> None:
        self.buffer += data


@dataclass(frozen=True)
class SourceFile:
    key: str
    body: bytes
    compress: bool | None = None
    content_type: str | None = "text/csv"


def csv_file(key: str, rows: int = 50) -> SourceFile:
    body = "".join(f"{row},{key},{row * 7}\n" for row in range(rows)).encode()
    return SourceFile(key, body)


def random_file(key: str, size: int) -> SourceFile:
    return SourceFile(
        key, os.urandom(size), compress=False, content_type="application/octet-stream"
    )


def pack(
    archive_key: str,
    files: list[SourceFile],
    *,
    storage_class: str = "DEEP_ARCHIVE",
    archived_at: datetime = ARCHIVED,
) -> tuple[bytes, list[CatalogEntry]]:
    """The archive's bytes and one catalog entry per file, as the packer would write them."""
    sink = Sink()
    writer = ArchiveWriter(sink)
    entries = []
    for file in files:
        member = writer.add(file.key, file.body, modified=MODIFIED, compress=file.compress)
        entries.append(
            CatalogEntry(
                project=PROJECT,
                source_bucket=SOURCE_BUCKET,
                key=file.key,
                etag=f'"{hashlib.md5(file.body).hexdigest()}"',
                last_modified=MODIFIED,
                content_type=file.content_type,
                metadata={"branch": "north"},
                size=len(file.body),
                archive_bucket=ARCHIVE_BUCKET,
                archive_key=archive_key,
                storage_class=storage_class,
                header_offset=member.header_offset,
                data_offset=member.data_offset,
                compressed_size=member.compressed_size,
                method=member.method,
                crc32=member.crc32,
                sha256=member.sha256,
                job_id="job-1",
                archived_at=archived_at,
            )
        )
    writer.close()
    return bytes(sink.buffer), entries


def project(
    *, topics: tuple[str, ...] = (TOPIC,), buckets: tuple[str, ...] = (SOURCE_BUCKET,)
) -> Project:
    return Project(
        name=PROJECT,
        sources=tuple(SourceLocation(bucket=bucket, prefixes=("",)) for bucket in buckets),
        notification_topic_arns=topics,
    )
