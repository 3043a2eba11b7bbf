"""deep_archive's catalog and archives read with boto3 and the standard library, as an operator
with access to the account could: the table's documented keys, S3's restore header, zip data."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from strongroom.demo.narration import check

BY_FILE_NAME_INDEX = "byFileName"  # hash file_name_key = "{project}#{bare file name}"
_DESERIALIZER = TypeDeserializer()


@dataclass(frozen=True)
class CatalogEntry:
    """The fields of a catalog item the demo reads (the item holds more)."""

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
    def from_item(cls, item: dict[str, Any]) -> CatalogEntry:
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = _DESERIALIZER.deserialize(item[field.name])
            values[field.name] = int(value) if isinstance(value, Decimal) else value
        return cls(**values)


class Catalog:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table_name = table_name

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        """Every entry of a bare file name, by key then age (a key's newest version last)."""
        pages = self._dynamodb.get_paginator("query").paginate(
            TableName=self._table_name,
            IndexName=BY_FILE_NAME_INDEX,
            KeyConditionExpression="file_name_key = :name",
            ExpressionAttributeValues={":name": {"S": f"{project}#{file_name}"}},
        )
        entries = [CatalogEntry.from_item(item) for page in pages for item in page["Items"]]
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
