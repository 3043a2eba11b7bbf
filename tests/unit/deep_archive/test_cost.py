"""The cost model against hand-computed figures.

Prices are read from prices.toml by the test itself (not through the code under test), so a
price update keeps these tests green while the formulas stay checked. The comments show the
arithmetic with the us-east-1 prices of the 2026-11-22 check.
"""

from __future__ import annotations

import math
import tomllib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from strongroom.deep_archive.domain import cost as cost_module
from strongroom.deep_archive.domain.cost import (
    CostEstimate,
    InventorySummary,
    OptionCost,
    estimate,
    format_usd,
)
from strongroom.deep_archive.domain.cost_lines import CostLine
from strongroom.deep_archive.domain.grouping import (
    GIB,
    KIB,
    SourceObject,
    megabytes,
)
from tests.support.listing import planned, tallied

PRICE_FILE = Path(cost_module.__file__).with_name("prices.toml")
RAW = tomllib.loads(PRICE_FILE.read_text(encoding="utf-8"), parse_float=Decimal)
GB = Decimal(2**30)
WHEN = datetime(2025, 4, 10, tzinfo=UTC)


def total_after(option: OptionCost, months: int | Decimal) -> Decimal:
    return option.one_time_total + option.monthly_total * Decimal(months)


def price(item: str, region: str = "us-east-1") -> Decimal:
    (entry,) = [p for p in RAW["price"] if p["region"] == region and p["item"] == item]
    return Decimal(entry["price"])


def same(actual: Decimal, expected: Decimal) -> bool:
    """Equal to a billionth of a dollar (Decimal division rounds at 28 digits)."""
    return abs(actual - expected) < Decimal("1e-9")


def amounts(lines: tuple[CostLine, ...]) -> dict[str, Decimal]:
    return {line.label: line.amount for line in lines}


# 1,000,000 objects of 10 KiB, keys of 28 bytes, to DEEP_ARCHIVE in us-east-1,
# 10,000 files or 500 MiB per archive: 10,000 x (10,240 + 182 + 2 x 28) = 104,780,000 bytes
# per archive, under 500 MiB, so the file count binds: 100 archives.
COUNT = 1_000_000
SIZE = 10 * KIB
KEY_BYTES = 28
SMALL_MANY = InventorySummary(COUNT, COUNT * SIZE, COUNT, COUNT * SIZE, COUNT * KEY_BYTES)


@pytest.fixture(scope="module")
def many_small() -> CostEstimate:
    """Priced with the per-file DynamoDB catalog, whose lines these tests write out; the
    Parquet catalog's are in test_cost_catalog.py."""
    return estimate(
        SMALL_MANY,
        storage_class="DEEP_ARCHIVE",
        max_files=10_000,
        max_bytes=megabytes(500),
        region="us-east-1",
        archive_count=100,
        catalog="dynamodb",
    )


def test_lifecycle_one_time_is_one_transition_per_object(many_small: CostEstimate) -> None:
    # 1,000,000 / 1,000 x $0.05 = $50.00
    expected = Decimal(COUNT) / 1000 * price("s3.transition.DEEP_ARCHIVE")

    assert many_small.lifecycle.one_time_total == expected
    assert many_small.lifecycle.stored_objects == COUNT


def test_lifecycle_monthly_pays_data_plus_40_kib_overhead_per_object(
    many_small: CostEstimate,
) -> None:
    data_gb = Decimal(COUNT * SIZE) / GB  # 10,240,000,000 B = 9.5367431640625 GB
    class_gb = Decimal(COUNT * 32 * KIB) / GB  # 32,768,000,000 B = 30.517578125 GB
    standard_gb = Decimal(COUNT * 8 * KIB) / GB  # 8,192,000,000 B = 7.62939453125 GB
    # (9.5367431640625 + 30.517578125) x $0.00099 + 7.62939453125 x $0.023
    # = $0.0396537780761719 + $0.1754760742187500 = $0.2151298522949219 per month
    expected = (data_gb + class_gb) * price("s3.storage.DEEP_ARCHIVE") + standard_gb * price(
        "s3.storage.STANDARD"
    )

    assert same(many_small.lifecycle.monthly_total, expected)


def test_packed_one_time_is_reads_uploads_sidecars_and_catalog_writes(
    many_small: CostEstimate,
) -> None:
    lines = amounts(many_small.packed.one_time)
    # Archive: 10,000 x 10,478 + 98 = 104,780,098 B -> ceil(/ 16 MiB, the packer's part size)
    # = 7 parts + 2 = 9 requests. Catalog item: 400 + 2 x 28 = 456 B -> 1 WRU, twice (the
    # byFileName index projects ALL); planning reads every listed key once (0.5 RRU).
    list_cost = Decimal(1000) / 1000 * price("s3.put.STANDARD")  # 1,000 LISTs: $0.005
    get_cost = Decimal(COUNT) / 1000 * price("s3.get.STANDARD")  # 1,000 x $0.0004 = $0.40
    upload_cost = Decimal(100 * 9) / 1000 * price("s3.put.DEEP_ARCHIVE")  # 0.9 x $0.05 = $0.045
    head_cost = Decimal(100) / 1000 * price("s3.get.DEEP_ARCHIVE")  # $0.00004
    sidecar_cost = Decimal(100) / 1000 * price("s3.put.STANDARD")  # 0.1 x $0.005 = $0.0005
    planning_reads = Decimal(COUNT) / 2 / 1_000_000 * price("dynamodb.read_request_units")
    catalog_cost = Decimal(COUNT) / 1_000_000 * price("dynamodb.write_request_units")  # $0.625
    # total $0.005 + $0.40 + $0.045 + $0.00004 + $0.0005 + $0.0625 + 2 x $0.625 = $1.76304
    expected = [
        list_cost,
        get_cost,
        upload_cost,
        head_cost,
        planning_reads,
        sidecar_cost,
        catalog_cost,
        catalog_cost,
    ]

    assert sorted(lines.values()) == sorted(expected)
    assert many_small.packed.one_time_total == sum(expected, Decimal(0))
    assert "multipart upload into DEEP_ARCHIVE (7 parts + create + complete per archive)" in lines
    assert "catalog writes (1 WRU per item)" in lines
    assert "index byFileName writes (projection ALL) (1 WRU per item)" in lines


def test_packed_monthly_is_archives_overhead_sidecars_and_catalog(
    many_small: CostEstimate,
) -> None:
    archive_gb = Decimal(COUNT * (SIZE + 182 + 2 * KEY_BYTES) + 100 * 98) / GB  # 9.7584 GB
    overhead_class_gb = Decimal(100 * 32 * KIB) / GB
    overhead_standard_gb = Decimal(100 * 8 * KIB) / GB
    manifest_gb = Decimal(COUNT * (200 + KEY_BYTES)) / GB  # 228,000,000 B = 0.2123 GB
    catalog_gb = Decimal(COUNT * (456 + 100)) / GB  # 556,000,000 B = 0.5178 GB
    # (9.7584 + 0.0031) x $0.00099 + (0.00076 + 0.2123) x $0.023 + 2 x 0.5178 x $0.25
    # (table and its ALL-projecting index) + 0.5178 x $0.20 (point-in-time recovery)
    # = $0.0096639 + $0.0049014 + $0.2589076 + $0.1035616 = about $0.3770 a month
    expected = (
        (archive_gb + overhead_class_gb) * price("s3.storage.DEEP_ARCHIVE")
        + (overhead_standard_gb + manifest_gb) * price("s3.storage.STANDARD")
        + 2 * catalog_gb * price("dynamodb.storage")
        + catalog_gb * price("dynamodb.pitr_storage")
    )

    assert same(many_small.packed.monthly_total, expected)
    assert many_small.packed.stored_objects == 100


def test_a_per_file_dynamodb_catalog_costs_more_a_month_than_lifecycle(
    many_small: CostEstimate,
) -> None:
    # Counted completely (index, backups), the catalog alone ($0.36 a month) outweighs the
    # lifecycle option's whole monthly bill ($0.215): packing wins only for a while.
    lifecycle, packed = many_small.lifecycle, many_small.packed
    months = (lifecycle.one_time_total - packed.one_time_total) / (
        packed.monthly_total - lifecycle.monthly_total
    )

    assert packed.one_time_total < lifecycle.one_time_total
    assert packed.monthly_total > lifecycle.monthly_total
    assert many_small.packing_pays_off_after_months is None
    assert many_small.verdict == f"packing is cheaper only for the first {months:.1f} months"


def test_by_default_the_parquet_catalog_the_packer_writes_is_priced_cheaper_from_the_start() -> (
    None
):
    result = estimate(
        SMALL_MANY,
        storage_class="DEEP_ARCHIVE",
        max_files=10_000,
        max_bytes=megabytes(500),
        archive_count=100,
    )
    labels = [line.label for line in (*result.packed.one_time, *result.packed.monthly)]

    assert result.catalog == "parquet"
    assert "PUT Parquet manifests into STANDARD_IA" in labels
    assert not [label for label in labels if "byFileName" in label or "sidecars" in label]
    assert result.packed.one_time_total < result.lifecycle.one_time_total
    assert result.packed.monthly_total < result.lifecycle.monthly_total
    assert result.verdict == "packing is cheaper from the start"
    once, monthly = result.cheaper_by
    assert once == result.lifecycle.one_time_total / result.packed.one_time_total
    assert monthly == result.lifecycle.monthly_total / result.packed.monthly_total
    assert ("lifecycle ÷ packed", "", f"{once:.1f}x once, {monthly:.1f}x a month") in (
        result.as_rows()
    )


def test_restoring_one_packed_file_retrieves_its_whole_archive(many_small: CostEstimate) -> None:
    restores = {r.tier: r for r in many_small.restores}
    archive_gb = Decimal(104_780_098) / GB  # one average archive
    object_gb = Decimal(SIZE) / GB
    read = price("s3.get.DEEP_ARCHIVE") / 1000

    assert list(restores) == ["Standard", "Bulk"]
    for tier in ("Standard", "Bulk"):
        request = price(f"s3.retrieval_requests.DEEP_ARCHIVE.{tier}") / 1000 + read
        per_gb = price(f"s3.retrieval_gb.DEEP_ARCHIVE.{tier}")
        # Standard: $0.0001004 + 0.0976 GB x $0.02 = $0.0020521 vs $0.0001004 + 10 KiB x $0.02
        assert same(restores[tier].packed, request + archive_gb * per_gb)
        assert same(restores[tier].per_object, request + object_gb * per_gb)
        assert restores[tier].packed > restores[tier].per_object
    assert any("retrieves its whole archive (average 99.9 MiB)" in n for n in many_small.notes)


def test_few_large_objects_are_not_worth_packing() -> None:
    # 10 objects of 5 GiB: each exceeds 500 MiB, so each is an archive of its own, uploaded in
    # ceil((5 GiB + 360 header bytes) / 16 MiB) = 321 parts (+ 2) instead of one transition.
    summary = InventorySummary(10, 10 * 5 * GIB, 0, 0, 10 * 40)

    result = estimate(
        summary, storage_class="DEEP_ARCHIVE", max_files=10_000, max_bytes=megabytes(500)
    )

    lifecycle_one_time = Decimal(10) / 1000 * price("s3.transition.DEEP_ARCHIVE")  # $0.0005
    upload = Decimal(10 * (321 + 2)) / 1000 * price("s3.put.DEEP_ARCHIVE")  # $0.1615
    assert result.archive_count == 10
    assert result.lifecycle.one_time_total == lifecycle_one_time
    assert (
        amounts(result.packed.one_time)[
            "multipart upload into DEEP_ARCHIVE (321 parts + create + complete per archive)"
        ]
        == upload
    )
    assert result.packed.one_time_total > result.lifecycle.one_time_total
    assert result.packed.monthly_total > result.lifecycle.monthly_total
    assert result.packing_pays_off_after_months is None
    assert result.verdict == "packing never pays off"


def option(name: str, one_time: str, monthly: str) -> OptionCost:
    def line(amount: str) -> CostLine:
        return CostLine("x", Decimal(1), "unit", Decimal(amount), "s3.storage.STANDARD")

    return OptionCost(name, 1, (line(one_time),), (line(monthly),))


def comparison(packed: OptionCost) -> CostEstimate:
    return CostEstimate(
        region="us-east-1",
        storage_class="DEEP_ARCHIVE",
        object_count=1,
        total_bytes=1,
        archive_count=1,
        lifecycle=option("lifecycle per object", "10", "2"),
        packed=packed,
        restores=(),
        notes=(),
    )


@pytest.mark.parametrize(
    ("one_time", "monthly", "months", "verdict"),
    [
        ("4", "1", Decimal(0), "packing is cheaper from the start"),
        ("10", "2", Decimal(0), "packing is cheaper from the start"),
        # $6 more up front, $0.50 less a month: even after 12 months
        ("16", "1.5", Decimal(12), "packing pays off after 12.0 months"),
        ("16", "2", None, "packing never pays off"),
        # $4 less up front, $0.25 more a month: ahead for 16 months only
        ("6", "2.25", None, "packing is cheaper only for the first 16.0 months"),
    ],
)
def test_break_even(one_time: str, monthly: str, months: Decimal | None, verdict: str) -> None:
    result = comparison(option("packed archives", one_time, monthly))

    assert result.packing_pays_off_after_months == months
    assert result.verdict == verdict
    if months:
        assert total_after(result.packed, months) == total_after(result.lifecycle, months)


def test_glacier_restore_tiers_and_free_bulk() -> None:
    summary = InventorySummary(1000, 1000 * 200 * KIB, 0, 0, 1000 * 30)

    result = estimate(
        summary, storage_class="GLACIER", max_files=100, max_bytes=megabytes(100), archive_count=10
    )

    restores = {r.tier: r for r in result.restores}
    assert list(restores) == ["Expedited", "Standard", "Bulk"]
    object_gb = Decimal(200 * KIB) / GB
    read = price("s3.get.GLACIER") / 1000
    expedited = (
        read
        + price("s3.retrieval_requests.GLACIER.Expedited") / 1000
        + object_gb * price("s3.retrieval_gb.GLACIER.Expedited")
    )  # $0.0004/1000 + $10/1000 + 0.00019 GB x $0.03 = about $0.0100
    assert same(restores["Expedited"].per_object, expedited)
    bulk = (
        read
        + price("s3.retrieval_requests.GLACIER.Bulk") / 1000
        + object_gb * price("s3.retrieval_gb.GLACIER.Bulk")
    )
    assert same(restores["Bulk"].per_object, bulk)
    assert restores["Expedited"].per_object > restores["Standard"].per_object
    assert restores["Standard"].per_object > restores["Bulk"].per_object


def test_instantly_readable_classes_read_only_the_member() -> None:
    summary = InventorySummary(1000, 1000 * 200 * KIB, 0, 0, 1000 * 30)

    result = estimate(summary, storage_class="GLACIER_IR", max_files=100, max_bytes=megabytes(100))

    (instant,) = result.restores
    # one GET ($0.01/1000) + 200 KiB x $0.03/GB, the same whether packed or not
    expected = price("s3.get.GLACIER_IR") / 1000 + Decimal(200 * KIB) / GB * price(
        "s3.retrieval_gb.GLACIER_IR.Instant"
    )
    assert instant.tier == "Instant"
    assert same(instant.per_object, expected)
    assert same(instant.packed, expected)
    assert not any(line.label.startswith("32 KiB") for line in result.packed.monthly)


def test_small_objects_left_behind_by_the_default_lifecycle_rule_stay_in_standard() -> None:
    # 600 objects under 128 KiB (60 MB) and 400 of 1 MiB.
    summary = InventorySummary(1000, 600 * 100_000 + 400 * 1024 * KIB, 600, 600 * 100_000, 20_000)

    result = estimate(
        summary,
        storage_class="DEEP_ARCHIVE",
        max_files=1000,
        max_bytes=megabytes(500),
        lifecycle_moves_small_objects=False,
    )

    monthly = amounts(result.lifecycle.monthly)
    assert result.lifecycle.stored_objects == 400
    assert result.lifecycle.one_time_total == Decimal(400) / 1000 * price(
        "s3.transition.DEEP_ARCHIVE"
    )
    assert same(
        monthly["objects under 128 KiB left in STANDARD"],
        Decimal(60_000_000) / GB * price("s3.storage.STANDARD"),
    )
    assert same(
        monthly["objects in DEEP_ARCHIVE"],
        Decimal(400 * 1024 * KIB) / GB * price("s3.storage.DEEP_ARCHIVE"),
    )
    assert not any("also moves the" in note for note in result.notes)


def test_infrequent_access_bills_small_objects_as_128_kib() -> None:
    summary = InventorySummary(1000, 1000 * 10 * KIB, 1000, 1000 * 10 * KIB, 1000 * 20)

    result = estimate(
        summary, storage_class="STANDARD_IA", max_files=1000, max_bytes=megabytes(500)
    )

    (data,) = result.lifecycle.monthly  # no Glacier overhead lines in STANDARD_IA
    assert same(data.amount, Decimal(1000 * 128 * KIB) / GB * price("s3.storage.STANDARD_IA"))
    assert any("also moves the 1,000 objects under 128 KiB" in n for n in result.notes)


def test_region_changes_the_prices_used() -> None:
    ireland = estimate(
        SMALL_MANY,
        storage_class="DEEP_ARCHIVE",
        max_files=10_000,
        max_bytes=megabytes(500),
        region="eu-west-1",
        archive_count=100,
        catalog="dynamodb",
    )

    catalog = amounts(ireland.packed.one_time)["catalog writes (1 WRU per item)"]
    assert catalog == price("dynamodb.write_request_units", "eu-west-1")
    assert ireland.region == "eu-west-1"


def test_unknown_storage_class_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="allowed: DEEP_ARCHIVE, GLACIER, GLACIER_IR, STANDARD_IA"):
        estimate(SMALL_MANY, storage_class="STANDARD", max_files=1, max_bytes=1)


def test_unknown_region_lists_the_available_ones() -> None:
    with pytest.raises(ValueError, match=r"available: eu-west-1, us-east-1"):
        estimate(
            SMALL_MANY, storage_class="GLACIER", max_files=1, max_bytes=1, region="mars-north-1"
        )


def test_archive_count_without_a_plan_matches_the_plan_for_uniform_objects() -> None:
    objects = [
        SourceObject(key=f"logs/{i:06d}.json", size=3000, etag='"e"', last_modified=WHEN)
        for i in range(2000)
    ]
    plans = planned(
        objects,
        max_files=10_000,
        max_bytes=200_000,
        output_prefix="",
        project="p",
        run_label="r",
    )

    result = estimate(
        tallied(objects).summary(),
        storage_class="DEEP_ARCHIVE",
        max_files=10_000,
        max_bytes=200_000,
    )

    assert result.archive_count == len(plans)
    assert any("archive count estimated" in note for note in result.notes)


def test_unverified_prices_used_are_named_in_the_notes(many_small: CostEstimate) -> None:
    unverified = {
        p["item"] for p in RAW["price"] if p["region"] == "us-east-1" and not p["verified"]
    }
    (note,) = [n for n in many_small.notes if n.startswith("unverified prices used: ")]
    named = set(note.removeprefix("unverified prices used: ").split(", "))

    assert named <= unverified
    assert ("s3.put.DEEP_ARCHIVE" in named) == ("s3.put.DEEP_ARCHIVE" in unverified)
    assert "s3.transition.GLACIER" not in named  # not used for DEEP_ARCHIVE


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((1, 10, 2, 5, 3), "small_object_count cannot exceed"),
        ((2, 10, 1, 11, 3), "small_object_bytes cannot exceed"),
        ((1, -1, 0, 0, 3), "must not be negative"),
    ],
)
def test_inventory_summary_rejects_inconsistent_figures(
    values: tuple[int, int, int, int, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        InventorySummary(*values)


def test_an_empty_inventory_costs_nothing() -> None:
    result = estimate(
        InventorySummary(0, 0, 0, 0, 0),
        storage_class="DEEP_ARCHIVE",
        max_files=10,
        max_bytes=megabytes(1),
    )

    assert result.archive_count == 0
    assert total_after(result.lifecycle, 12) == 0
    assert total_after(result.packed, 12) == 0
    assert all(r.per_object == r.packed == 0 for r in result.restores)


def test_as_rows_shows_both_options_side_by_side(many_small: CostEstimate) -> None:
    rows = many_small.as_rows()

    assert rows[0] == ("", "lifecycle per object", "packed archives")
    assert all(len(row) == 3 for row in rows)
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["objects"] == ("1,000,000", "1,000,000")
    assert by_label["objects stored in DEEP_ARCHIVE"] == ("1,000,000", "100")
    assert by_label["one-time total"] == (
        format_usd(many_small.lifecycle.one_time_total),
        format_usd(many_small.packed.one_time_total),
    )
    assert by_label["lifecycle transitions into DEEP_ARCHIVE"][1] == ""
    assert by_label["GET source objects"][0] == ""
    assert by_label["restore one file, Bulk"] == (
        format_usd(many_small.restores[1].per_object),
        format_usd(many_small.restores[1].packed),
    )
    assert rows[-1] == ("verdict", "", many_small.verdict)
    assert by_label["find a file by bare name"] == ("", format_usd(many_small.lookups[1].amount))


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0", "$0.00"),
        ("50", "$50.00"),
        ("0.625", "$0.63"),
        ("1234.565", "$1,234.57"),
        ("0.000101", "$0.000101"),
        ("0.0000003", "<$0.000001"),
        ("-2.5", "-$2.50"),
    ],
)
def test_format_usd_rounds_half_up_for_display(amount: str, shown: str) -> None:
    assert format_usd(Decimal(amount)) == shown


def test_parts_grow_beyond_part_size_only_past_ten_thousand_parts() -> None:
    # One 1 TiB archive (+ 182 + 2 x 10 header and 98 trailer bytes = 1,099,511,628,076 B)
    # with 16 MiB parts would need 65,537 parts: S3 allows 10,000, so the packer takes the
    # smallest whole MiB that fits with 1% headroom: 1,110,506,744,357 / 10,000 -> 106 MiB,
    # and uploads ceil(1,099,511,628,076 / 111,149,056) = 9,893 parts.
    summary = InventorySummary(1, 1024 * GIB, 0, 0, 10)

    result = estimate(summary, storage_class="DEEP_ARCHIVE", max_files=1, max_bytes=megabytes(1))

    (upload,) = [line for line in result.packed.one_time if "multipart" in line.label]
    assert upload.quantity == Decimal(9_893 + 2) / 1000
    assert math.ceil(1024 * GIB / (16 * 1024 * KIB)) > 10_000
