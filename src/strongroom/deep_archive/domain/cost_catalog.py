"""What the catalog of packed files costs: Parquet manifests next to the archives with one
DynamoDB record per archive (what the packer writes, docs/decisions/0013), or, for comparison,
the per-file DynamoDB table it wrote before.

Each design gives its one-time lines (writes, reads at planning, manifest PUTs), its monthly
lines (table, index, backups, manifests) and what one lookup costs by full key and by bare
name. Every size below is an estimate of bytes billed, named by a constant with its reasoning.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from strongroom.deep_archive.domain.cost_lines import CostLine, LookupCost, Pricer
from strongroom.deep_archive.domain.cost_prices import dynamodb_item

CatalogDesign = Literal["parquet", "dynamodb"]
CATALOG_DESIGNS: tuple[CatalogDesign, ...] = ("parquet", "dynamodb")
DEFAULT_CATALOG: CatalogDesign = "parquet"
"""What the packer writes."""

CATALOG_ITEM_FIXED_BYTES = 400
"""Per-file catalog item besides the key: attribute names, archive key, offsets, sizes, CRC,
SHA-256, ETag, version id, dates. The key itself is counted twice (in the partition key and
as a plain attribute)."""
MANIFEST_LINE_FIXED_BYTES = 200
"""JSON Lines manifest line besides the key: offsets, sizes, CRC, SHA-256 hex, ETag, dates."""
JSONL_MANIFEST_CLASS = "STANDARD"

PARQUET_ROW_FIXED_BYTES = 96
"""Parquet manifest row besides the key, compressed: SHA-256 (32 bytes), ETag's MD5 (16) and
CRC-32 (4) do not compress; offsets, sizes and dates delta-encode to a few bytes each. The key
is counted uncompressed (sorted keys compress several-fold: the estimate errs high). Measured
with zstd on 50,000 demo-shaped rows with 37-byte keys: 85 bytes per row in all (model: 133)."""
PARQUET_NAME_COLUMN_BYTES = 12
"""The file-name column per row as Athena reads it (compressed); measured 4.7 (zstd) and 10.8
(snappy) on the same rows."""
PARQUET_MANIFEST_CLASS = "STANDARD_IA"
MANIFEST_ROW_GROUP_ROWS = 10_000
"""Rows per manifest row group: a full-key lookup reads the footer and one row group."""
PARQUET_FOOTER_READ_BYTES = 64 * 1024
"""A full-key lookup reads the manifest's tail (footer with row-group statistics) in one GET."""
ARCHIVE_RECORD_FIXED_BYTES = 500
"""Per-archive catalog record besides its first and last key: archive and manifest keys,
counts, sizes, job id, dates, storage class."""
EVENTUALLY_CONSISTENT = Decimal("0.5")
"""Read units of an eventually consistent read of up to 4 KB (present or not)."""


@dataclass(frozen=True, slots=True)
class CatalogInputs:
    objects: int
    key_bytes: int
    archives: int
    table_class: str = "STANDARD"

    @property
    def average_key(self) -> Decimal:
        return Decimal(self.key_bytes) / self.objects if self.objects else Decimal(0)


class CatalogCost(ABC):
    """Shared arithmetic of both designs; each design states its own lines."""

    title = ""

    def __init__(self, pricer: Pricer, inputs: CatalogInputs) -> None:
        self.pricer = pricer
        self.inputs = inputs

    def units_per_write(self, item_bytes: int) -> int:
        return math.ceil(item_bytes / self.pricer.prices.rule("dynamodb.write_unit_bytes"))

    def table_item(self, kind: str) -> str:
        return dynamodb_item(kind, self.inputs.table_class)

    def writes(self, label: str, items: int, item_bytes: int) -> CostLine:
        units = self.units_per_write(item_bytes)
        return self.pricer.units(
            f"{label} ({units} WRU per item)",
            items * units,
            self.table_item("write_request_units"),
            "WRU",
        )

    def reads(self, label: str, items: int | Decimal) -> CostLine:
        return self.pricer.units(
            label,
            Decimal(items) * EVENTUALLY_CONSISTENT,
            self.table_item("read_request_units"),
            "RRU",
        )

    def table_storage(self, label: str, items: int, item_bytes: int) -> CostLine:
        overhead = self.pricer.prices.rule("dynamodb.item_overhead_bytes")
        size = items * (item_bytes + overhead)
        return self.pricer.line(
            label, self.pricer.gigabytes(size), "GB-month", self.table_item("storage")
        )

    def backups(self, label: str, items: int, item_bytes: int) -> CostLine:
        overhead = self.pricer.prices.rule("dynamodb.item_overhead_bytes")
        size = items * (item_bytes + overhead)
        return self.pricer.line(
            label, self.pricer.gigabytes(size), "GB-month", "dynamodb.pitr_storage"
        )

    @abstractmethod
    def one_time(self) -> tuple[CostLine, ...]: ...

    @abstractmethod
    def monthly(self) -> tuple[CostLine, ...]: ...

    @abstractmethod
    def lookups(self) -> tuple[LookupCost, ...]: ...

    def notes(self) -> tuple[str, ...]:
        return ()


class DynamoDbPerFileCatalog(CatalogCost):
    """The design before decision 0013, priced for comparison: one item per file in the
    catalog table, index ``byFileName`` projecting ALL, point-in-time recovery on, a JSON Lines
    manifest next to each archive in Standard, and a read of every listed key at planning."""

    title = "DynamoDB item per file"

    @property
    def item_bytes(self) -> int:
        return math.ceil(CATALOG_ITEM_FIXED_BYTES + 2 * self.inputs.average_key)

    def one_time(self) -> tuple[CostLine, ...]:
        files, archives = self.inputs.objects, self.inputs.archives
        cls = JSONL_MANIFEST_CLASS
        return (
            self.reads("catalog reads at planning (unchanged-file check, 0.5 RRU per key)", files),
            self.pricer.requests("PUT manifest sidecars", archives, f"s3.put.{cls}"),
            self.writes("catalog writes", files, self.item_bytes),
            self.writes("index byFileName writes (projection ALL)", files, self.item_bytes),
        )

    def monthly(self) -> tuple[CostLine, ...]:
        files = self.inputs.objects
        manifest_bytes = files * MANIFEST_LINE_FIXED_BYTES + self.inputs.key_bytes
        return (
            self.pricer.stored("manifest sidecars", manifest_bytes, JSONL_MANIFEST_CLASS),
            self.table_storage("catalog in DynamoDB", files, self.item_bytes),
            self.table_storage("index byFileName (projection ALL)", files, self.item_bytes),
            self.backups("catalog point-in-time recovery", files, self.item_bytes),
        )

    def lookups(self) -> tuple[LookupCost, ...]:
        return (
            LookupCost("find a file by full key", (self.reads("catalog Query", 1),)),
            LookupCost("find a file by bare name", (self.reads("byFileName Query", 1),)),
        )


class ParquetManifestCatalog(CatalogCost):
    """Per-archive Parquet manifests (sorted by key) in Standard-IA; one DynamoDB record per
    archive holding its key range, so a full key finds its archive with one Query."""

    title = "Parquet manifests + record per archive"

    @property
    def record_bytes(self) -> int:
        return math.ceil(ARCHIVE_RECORD_FIXED_BYTES + 2 * self.inputs.average_key)

    @property
    def row_bytes(self) -> Decimal:
        return PARQUET_ROW_FIXED_BYTES + self.inputs.average_key

    @property
    def manifest_bytes(self) -> int:
        return math.ceil(self.inputs.objects * self.row_bytes)

    def billable_manifests(self) -> int:
        smallest = self.pricer.prices.rule("s3.min_billable_object_bytes")
        return max(self.manifest_bytes, self.inputs.archives * smallest)

    def one_time(self) -> tuple[CostLine, ...]:
        archives = self.inputs.archives
        return (
            self.pricer.requests(
                f"PUT Parquet manifests into {PARQUET_MANIFEST_CLASS}",
                archives,
                f"s3.put.{PARQUET_MANIFEST_CLASS}",
            ),
            self.writes("archive records", archives, self.record_bytes),
        )

    def monthly(self) -> tuple[CostLine, ...]:
        archives = self.inputs.archives
        return (
            self.pricer.stored(
                f"Parquet manifests in {PARQUET_MANIFEST_CLASS}",
                self.billable_manifests(),
                PARQUET_MANIFEST_CLASS,
            ),
            self.table_storage("archive records in DynamoDB", archives, self.record_bytes),
            self.backups("archive records point-in-time recovery", archives, self.record_bytes),
        )

    def lookups(self) -> tuple[LookupCost, ...]:
        cls = PARQUET_MANIFEST_CLASS
        row_group = math.ceil(min(self.inputs.objects, MANIFEST_ROW_GROUP_ROWS) * self.row_bytes)
        by_key = (
            self.reads("archive records Query", 1),
            self.pricer.requests(
                "ranged GETs of the manifest (footer, row group)", 2, f"s3.get.{cls}"
            ),
            self.pricer.retrieved(
                "manifest bytes read", PARQUET_FOOTER_READ_BYTES + row_group, cls
            ),
        )
        # Athena reads the name column of every manifest of the project: the footer and one
        # column chunk per row group of each manifest file.
        scanned = self.inputs.objects * PARQUET_NAME_COLUMN_BYTES
        row_groups = math.ceil(self.inputs.objects / MANIFEST_ROW_GROUP_ROWS)
        by_name = (
            self.pricer.scanned("Athena scan of the file-name column", scanned),
            self.pricer.requests(
                "Athena's GETs of the manifests",
                self.inputs.archives + row_groups,
                f"s3.get.{cls}",
            ),
            self.pricer.retrieved("manifest bytes Athena reads", scanned, cls),
        )
        return (
            LookupCost("find a file by full key", by_key),
            LookupCost("find a file by bare name", by_name),
        )

    def notes(self) -> tuple[str, ...]:
        return (
            "Parquet catalog: a first archive of a prefix reads no catalog; re-archiving it "
            "reads the key and ETag columns of its earlier archives' manifests once (GETs and "
            "Standard-IA retrieval, about a third of the manifests' size), a Query of the "
            "archive records per earlier job and a Scan of the small jobs table, not counted "
            "here; a bare-name lookup scans the project's file-name column with Athena (at "
            "least 10 MB)",
        )


def catalog_design(name: str) -> CatalogDesign:
    """``name`` as a design, or ValueError listing the designs."""
    for design in CATALOG_DESIGNS:
        if design == name:
            return design
    raise ValueError(f"unknown catalog design {name!r}; allowed: {', '.join(CATALOG_DESIGNS)}")


def catalog_cost(design: CatalogDesign, pricer: Pricer, inputs: CatalogInputs) -> CatalogCost:
    if catalog_design(design) == "parquet":
        return ParquetManifestCatalog(pricer, inputs)
    if design == "dynamodb":
        return DynamoDbPerFileCatalog(pricer, inputs)
    raise AssertionError(design)
