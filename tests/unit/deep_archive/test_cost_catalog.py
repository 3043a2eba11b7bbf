"""Every line of both catalog designs at the seed's scale, against sums written out here.

1,000,000,000 files of 4 KiB with 40-byte keys, DEEP_ARCHIVE in us-east-1, project defaults
(50,000 files or 500 MiB per archive). Prices are read from prices.toml by the test itself; the
comments show the figures of the 2026-12-03 check.

Archive: 50,000 x (4,096 + 182 + 2 x 40) + 98 = 217,900,098 B (under 500 MiB): 20,000 archives,
each uploaded in ceil(217,900,098 / 16 MiB) = 13 parts (+ create + complete).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from strongroom.deep_archive.domain import cost as cost_module
from strongroom.deep_archive.domain.cost import CostEstimate, InventorySummary, estimate
from strongroom.deep_archive.domain.grouping import megabytes

RAW = tomllib.loads(
    Path(cost_module.__file__).with_name("prices.toml").read_text(encoding="utf-8"),
    parse_float=Decimal,
)
GB = Decimal(2**30)
TB = Decimal(2**40)
FILES = 1_000_000_000
SIZE = 4096
KEY = 40
ARCHIVES = 20_000
ARCHIVE_BYTES = 217_900_098
SEED_SCALE = InventorySummary(FILES, FILES * SIZE, FILES, FILES * SIZE, FILES * KEY)


def price(item: str) -> Decimal:
    (entry,) = [p for p in RAW["price"] if p["region"] == "us-east-1" and p["item"] == item]
    return Decimal(entry["price"])


def per_thousand(count: int, item: str) -> Decimal:
    return Decimal(count) / 1000 * price(item)


def per_million(units: int | Decimal, item: str) -> Decimal:
    return Decimal(units) / 1_000_000 * price(item)


def per_gb(size: int, item: str) -> Decimal:
    return Decimal(size) / GB * price(item)


def within_one_percent(actual: Decimal, expected: Decimal) -> bool:
    return abs(actual - expected) <= expected / 100


def priced(catalog: str) -> CostEstimate:
    return estimate(
        SEED_SCALE,
        storage_class="DEEP_ARCHIVE",
        max_files=50_000,
        max_bytes=megabytes(500),
        region="us-east-1",
        catalog=catalog,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def per_file() -> CostEstimate:
    return priced("dynamodb")


@pytest.fixture(scope="module")
def parquet() -> CostEstimate:
    return priced("parquet")


def test_the_default_is_the_parquet_catalog_the_packer_writes(parquet: CostEstimate) -> None:
    default = estimate(
        SEED_SCALE,
        storage_class="DEEP_ARCHIVE",
        max_files=50_000,
        max_bytes=megabytes(500),
        region="us-east-1",
    )

    assert default == parquet


# Shared by both designs: LIST 1,000,000 pages x $0.005/1000 = $5; GET 10^9 x $0.0004/1000 =
# $400; 20,000 x 15 upload requests x $0.05/1000 = $15; 20,000 HEADs x $0.0004/1000 = $0.008.
PACKING = (
    per_thousand(FILES // 1000, "s3.put.STANDARD")
    + per_thousand(FILES, "s3.get.STANDARD")
    + per_thousand(ARCHIVES * (13 + 2), "s3.put.DEEP_ARCHIVE")
    + per_thousand(ARCHIVES, "s3.get.DEEP_ARCHIVE")
)
# 20,000 x 217,900,098 B = 4,058.7 GB x $0.00099 = $4.018; overhead per archive 32 KiB in
# DEEP_ARCHIVE ($0.0006) and 8 KiB in STANDARD ($0.0035).
ARCHIVES_STORED = (
    per_gb(ARCHIVES * ARCHIVE_BYTES, "s3.storage.DEEP_ARCHIVE")
    + per_gb(ARCHIVES * 32 * 1024, "s3.storage.DEEP_ARCHIVE")
    + per_gb(ARCHIVES * 8 * 1024, "s3.storage.STANDARD")
)


def test_the_archive_count_and_parts_are_the_packers(per_file: CostEstimate) -> None:
    labels = [line.label for line in per_file.packed.one_time]

    assert per_file.archive_count == ARCHIVES
    assert "multipart upload into DEEP_ARCHIVE (13 parts + create + complete per archive)" in labels


def test_lifecycle_at_the_seed_scale(per_file: CostEstimate) -> None:
    # 10^9 x $0.05/1000 = $50,000 once; (4 KiB + 32 KiB) x 10^9 at $0.00099 + 8 KiB x 10^9 at
    # $0.023 = $3.78 + $30.21 + $175.48 = $209.47 a month.
    one_time = per_thousand(FILES, "s3.transition.DEEP_ARCHIVE")
    monthly = per_gb(FILES * (SIZE + 32 * 1024), "s3.storage.DEEP_ARCHIVE") + per_gb(
        FILES * 8 * 1024, "s3.storage.STANDARD"
    )

    assert per_file.lifecycle.one_time_total == one_time
    assert within_one_percent(per_file.lifecycle.monthly_total, monthly)


def test_the_per_file_dynamodb_catalog_counted_completely(per_file: CostEstimate) -> None:
    item = 400 + 2 * KEY  # 480 B: 1 WRU to write, 580 B stored with the 100 B item overhead
    # Planning reads every key: 10^9 x 0.5 RRU x $0.125/M = $62.50; JSONL sidecars 20,000 x
    # $0.005/1000 = $0.10; writes 10^9 x $0.625/M = $625, twice (byFileName projects ALL).
    one_time = (
        PACKING
        + per_million(Decimal(FILES) / 2, "dynamodb.read_request_units")
        + per_thousand(ARCHIVES, "s3.put.STANDARD")
        + 2 * per_million(FILES, "dynamodb.write_request_units")
    )  # about $1,732.61
    # JSONL sidecars 10^9 x 240 B = 223.5 GB x $0.023 = $5.14; table and index 540.2 GB each
    # x $0.25 = $135.04 each; point-in-time recovery of the table 540.2 GB x $0.20 = $108.03.
    monthly = (
        ARCHIVES_STORED
        + per_gb(FILES * (200 + KEY), "s3.storage.STANDARD")
        + 2 * per_gb(FILES * (item + 100), "dynamodb.storage")
        + per_gb(FILES * (item + 100), "dynamodb.pitr_storage")
    )  # about $387.28

    assert within_one_percent(per_file.packed.one_time_total, one_time)
    assert within_one_percent(per_file.packed.monthly_total, monthly)
    assert per_file.packed.monthly_total > per_file.lifecycle.monthly_total


def test_the_parquet_catalog_counted_completely(parquet: CostEstimate) -> None:
    record = 500 + 2 * KEY  # one 580 B record per archive: 1 WRU, 680 B stored
    # Parquet manifests 20,000 x $0.01/1000 (Standard-IA PUT) = $0.20; records 20,000 WRU.
    one_time = (
        PACKING
        + per_thousand(ARCHIVES, "s3.put.STANDARD_IA")
        + per_million(ARCHIVES, "dynamodb.write_request_units")
    )  # about $420.22
    # Manifests 10^9 x (96 + 40) B = 126.7 GB x $0.0125 = $1.58; records and their backups
    # 20,000 x 680 B: a fraction of a cent.
    monthly = (
        ARCHIVES_STORED
        + per_gb(FILES * (96 + KEY), "s3.storage.STANDARD_IA")
        + per_gb(ARCHIVES * (record + 100), "dynamodb.storage")
        + per_gb(ARCHIVES * (record + 100), "dynamodb.pitr_storage")
    )  # about $5.61

    assert within_one_percent(parquet.packed.one_time_total, one_time)
    assert within_one_percent(parquet.packed.monthly_total, monthly)


def test_the_parquet_catalog_meets_the_goal_and_the_per_file_one_does_not(
    per_file: CostEstimate, parquet: CostEstimate
) -> None:
    # The goal of issue 13: packed at least 100x cheaper once and 20x cheaper a month.
    def ratios(result: CostEstimate) -> tuple[Decimal, Decimal]:
        return (
            result.lifecycle.one_time_total / result.packed.one_time_total,
            result.lifecycle.monthly_total / result.packed.monthly_total,
        )

    once, monthly = ratios(parquet)
    assert once >= 100
    assert monthly >= 20
    once, monthly = ratios(per_file)
    assert once < 100
    assert monthly < 1


def test_lookups_cost_a_query_or_a_manifest_read_or_an_athena_scan(
    per_file: CostEstimate, parquet: CostEstimate
) -> None:
    rru = per_million(Decimal("0.5"), "dynamodb.read_request_units")
    # Full key: one Query of the archive records, two ranged GETs of the manifest (footer,
    # one row group of 10,000 rows x 136 B) and their Standard-IA retrieval.
    by_key = (
        rru
        + per_thousand(2, "s3.get.STANDARD_IA")
        + per_gb(64 * 1024 + 10_000 * 136, "s3.retrieval_gb.STANDARD_IA.Instant")
    )
    # Bare name: Athena scans the name column, 10^9 x 12 B = 11.18 GB -> $5/TB = $0.0546,
    # GETs of 20,000 footers + 100,000 row-group chunks, and 11.18 GB Standard-IA retrieval.
    scanned = FILES * 12
    by_name = (
        Decimal(-(-scanned // 2**20) * 2**20) / TB * price("athena.scanned_tb")
        + per_thousand(ARCHIVES + FILES // 10_000, "s3.get.STANDARD_IA")
        + per_gb(scanned, "s3.retrieval_gb.STANDARD_IA.Instant")
    )
    lookups = {lookup.label: lookup.amount for lookup in parquet.lookups}
    built = {lookup.label: lookup.amount for lookup in per_file.lookups}

    assert within_one_percent(lookups["find a file by full key"], by_key)
    assert within_one_percent(lookups["find a file by bare name"], by_name)
    assert built == {"find a file by full key": rru, "find a file by bare name": rru}


def test_athena_bills_at_least_ten_megabytes_per_query() -> None:
    small = estimate(
        InventorySummary(1000, 1000 * SIZE, 1000, 1000 * SIZE, 1000 * KEY),
        storage_class="DEEP_ARCHIVE",
        max_files=50_000,
        max_bytes=megabytes(500),
        catalog="parquet",
    )
    (by_name,) = [lookup for lookup in small.lookups if "bare name" in lookup.label]
    (scan,) = [line for line in by_name.lines if line.price_item == "athena.scanned_tb"]

    assert scan.quantity == Decimal(10 * 2**20) / TB  # 12,000 B scanned, 10 MB billed


def test_the_table_class_changes_the_dynamodb_prices() -> None:
    result = estimate(
        SEED_SCALE,
        storage_class="DEEP_ARCHIVE",
        max_files=50_000,
        max_bytes=megabytes(500),
        table_class="STANDARD_INFREQUENT_ACCESS",
    )
    items = {line.price_item for line in (*result.packed.one_time, *result.packed.monthly)}

    assert "dynamodb.storage.STANDARD_INFREQUENT_ACCESS" in items
    assert "dynamodb.write_request_units.STANDARD_INFREQUENT_ACCESS" in items
    assert "dynamodb.storage" not in items


def test_an_unknown_catalog_design_or_table_class_is_refused() -> None:
    with pytest.raises(ValueError, match="allowed: parquet, dynamodb"):
        priced("sqlite")
    with pytest.raises(ValueError, match="allowed: STANDARD, STANDARD_INFREQUENT_ACCESS"):
        estimate(
            SEED_SCALE,
            storage_class="DEEP_ARCHIVE",
            max_files=50_000,
            max_bytes=megabytes(500),
            table_class="IA",
        )
