"""The price file: complete for every region, every figure sourced, dated and unit-labelled."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from strongroom.deep_archive.domain import cost_prices
from strongroom.deep_archive.domain.cost_prices import (
    INSTANT_TIER,
    available_regions,
    load_price_file,
    parse_price_file,
    price_book,
    required_items,
    retrieval_tiers,
)

TEXT = Path(cost_prices.__file__).with_name("prices.toml").read_text(encoding="utf-8")

UNIT_BY_KIND = {
    "s3.storage": "USD per GB-month",
    "s3.put": "USD per 1,000 requests",
    "s3.get": "USD per 1,000 requests",
    "s3.transition": "USD per 1,000 requests",
    "s3.retrieval_requests": "USD per 1,000 requests",
    "s3.retrieval_gb": "USD per GB retrieved",
    "dynamodb.write_request_units": "USD per million write request units",
    "dynamodb.read_request_units": "USD per million read request units",
    "dynamodb.storage": "USD per GB-month",
    "dynamodb.pitr_storage": "USD per GB-month",
    "athena.scanned_tb": "USD per TB scanned",
}


def kind(item: str) -> str:
    return next(prefix for prefix in UNIT_BY_KIND if item.startswith(prefix))


def test_the_file_covers_us_east_1_and_eu_west_1() -> None:
    assert available_regions() == ("eu-west-1", "us-east-1")


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_every_region_prices_every_item_the_model_needs(region: str) -> None:
    book = price_book(region)

    assert set(book.entries) == set(required_items())
    assert all(book.price(item) >= 0 for item in required_items())


def test_every_price_has_the_unit_of_its_kind_a_source_and_a_date() -> None:
    for entry in load_price_file().price:
        assert entry.unit == UNIT_BY_KIND[kind(entry.item)], entry.item
        assert entry.source.startswith("https://aws.amazon.com/"), entry.item
        assert entry.checked <= load_price_file().meta.checked
        assert all(url.startswith("https://") for url in entry.confirmed_by)


def test_an_unverified_figure_says_why_in_its_note() -> None:
    unverified = [entry for entry in load_price_file().price if not entry.verified]

    assert unverified, "the check left some figures unconfirmed; they must stay marked"
    assert all(entry.note for entry in unverified)


def test_a_verified_figure_names_the_pages_that_confirmed_it() -> None:
    verified = [entry for entry in load_price_file().price if entry.verified]

    assert all(entry.confirmed_by for entry in verified)


def test_prices_are_read_as_the_exact_decimals_written() -> None:
    book = price_book("us-east-1")

    for item, entry in book.entries.items():
        written = re.search(r"\nprice = (\S+)\n", _entry_block(TEXT, "us-east-1", item))
        assert written, item
        assert isinstance(entry.price, Decimal)
        assert entry.price == Decimal(written.group(1)), item


def test_billing_rules_are_the_documented_sizes() -> None:
    book = price_book("us-east-1")

    assert book.rule("glacier.archive_class_overhead_bytes") == 32 * 1024
    assert book.rule("glacier.standard_overhead_bytes") == 8 * 1024
    assert book.rule("lifecycle.min_transition_bytes") == 128 * 1024
    assert book.rule("dynamodb.write_unit_bytes") == 1024
    assert book.gigabyte == 2**30


def test_retrieval_tiers_per_class() -> None:
    assert retrieval_tiers("DEEP_ARCHIVE") == ("Standard", "Bulk")
    assert retrieval_tiers("GLACIER") == ("Expedited", "Standard", "Bulk")
    assert retrieval_tiers("GLACIER_IR") == (INSTANT_TIER,)
    assert retrieval_tiers("STANDARD_IA") == (INSTANT_TIER,)


def test_an_unknown_item_is_a_clear_error() -> None:
    with pytest.raises(
        KeyError, match=re.escape("no price for 's3.storage.ONEZONE_IA' in us-east-1")
    ):
        price_book("us-east-1").price("s3.storage.ONEZONE_IA")


def test_a_region_missing_an_item_is_rejected() -> None:
    text = _without_entry(TEXT, "eu-west-1", "s3.transition.GLACIER")

    with pytest.raises(
        ValidationError, match=re.escape("eu-west-1 has no price for: s3.transition.GLACIER")
    ):
        parse_price_file(text)


def test_an_item_priced_twice_is_rejected() -> None:
    block = _entry_block(TEXT, "us-east-1", "s3.storage.STANDARD")

    with pytest.raises(ValidationError, match=re.escape("s3.storage.STANDARD is priced twice")):
        parse_price_file(TEXT + "\n" + block)


def test_a_negative_price_is_rejected() -> None:
    block = _entry_block(TEXT, "us-east-1", "s3.storage.STANDARD")
    bad = TEXT.replace(block, block.replace("price = 0.023", "price = -0.023"))

    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        parse_price_file(bad)


def test_a_lifecycle_threshold_that_disagrees_with_the_histogram_is_rejected() -> None:
    bad = TEXT.replace(
        'name = "lifecycle.min_transition_bytes"\nvalue = 131072',
        'name = "lifecycle.min_transition_bytes"\nvalue = 128000',
    )

    with pytest.raises(ValueError, match="change both together"):
        parse_price_file(bad)


def _entry_block(text: str, region: str, item: str) -> str:
    pattern = (
        rf'\[\[price\]\]\nregion = "{region}"\nitem = "{re.escape(item)}"\n.*?note = "[^"]*"\n'
    )
    match = re.search(pattern, text, flags=re.DOTALL)
    assert match, f"{region} {item} not in the price file"
    return match.group(0)


def _without_entry(text: str, region: str, item: str) -> str:
    return text.replace(_entry_block(text, region, item), "")
