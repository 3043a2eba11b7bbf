"""deep_archive's catalog and archives read with boto3, pyarrow and the standard library, as an
operator with access to the account could: the documented Parquet manifests under ``_catalog/``,
S3's restore header, zip data."""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass, fields
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from strongroom.demo.narration import check

CATALOG_PREFIX = "_catalog/project={project}/"  # one Parquet manifest per archive


@dataclass(frozen=True)
class CatalogEntry:
    """The fields of a manifest row the demo reads (the row holds more)."""

    key: str
    etag: str
    last_modified: str
    archive_bucket: str
    archive_key: str
    data_offset: int
    compressed_size: int
    size: int
    method: str
    crc32: int
    sha256: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CatalogEntry:
        values = {field.name: row[field.name] for field in fields(cls)}
        values["last_modified"] = row["last_modified"].isoformat()
        return cls(**values)


class Catalog:
    def __init__(self, s3: Any, archive_bucket: str) -> None:
        self._s3 = s3
        self._bucket = archive_bucket

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        """Every entry of a bare file name, by key then age (a key's newest version last)."""
        pages = self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=CATALOG_PREFIX.format(project=project)
        )
        entries: list[CatalogEntry] = []
        for item in (item for page in pages for item in page.get("Contents", [])):
            body = self._s3.get_object(Bucket=self._bucket, Key=item["Key"])["Body"].read()
            table = pq.read_table(io.BytesIO(body))
            named = table.filter(pc.equal(table["file_name"], file_name))
            entries += [CatalogEntry.from_row(row) for row in named.to_pylist()]
        return sorted(entries, key=lambda entry: (entry.key, entry.last_modified, entry.etag))


def readable(head: dict[str, Any]) -> bool:
    """S3's restore header says a restored copy of the archived object can be read."""
    return 'ongoing-request="false"' in (head.get("Restore") or "")


def read_member(s3: Any, entry: CatalogEntry) -> tuple[bytes, int]:
    """One file out of its archive with one ranged GET at the catalog's offset, checked against
    the catalog's size, CRC-32 and SHA-256; the content and the bytes fetched."""
    last = entry.data_offset + entry.compressed_size - 1
    raw = s3.get_object(
        Bucket=entry.archive_bucket,
        Key=entry.archive_key,
        Range=f"bytes={entry.data_offset}-{last}",
    )["Body"].read()
    content = zlib.decompress(raw, -zlib.MAX_WBITS) if entry.method == "deflated" else raw
    check(len(content) == entry.size, f"{len(content)} bytes, the catalog says {entry.size}")
    check(zlib.crc32(content) == entry.crc32, "CRC-32 differs from the catalog's")
    check(hashlib.sha256(content).hexdigest() == entry.sha256.lower(), "SHA-256 differs")
    return content, len(raw)
