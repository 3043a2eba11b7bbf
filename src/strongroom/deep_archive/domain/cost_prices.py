"""The price file (``prices.toml``) as typed, validated data: one ``PriceBook`` per region.

Prices live in data, not code, so a price change is a one-line edit with its source and date;
the cost model and its tests read them from here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from strongroom.deep_archive.domain.grouping import SMALL_OBJECT_BYTES
from strongroom.deep_archive.domain.storage import (
    ARCHIVE_STORAGE_CLASSES,
    READABLE_STORAGE_CLASS,
    RESTORE_TIERS,
    archive_storage_class,
)

PRICE_FILE = "prices.toml"
INSTANT_TIER = "Instant"
"""The one "tier" of classes read with a plain GET (GLACIER_IR, STANDARD_IA): no restore step."""

RULE_NAMES = (
    "glacier.archive_class_overhead_bytes",
    "glacier.standard_overhead_bytes",
    "s3.min_billable_object_bytes",
    "lifecycle.min_transition_bytes",
    "dynamodb.write_unit_bytes",
    "dynamodb.item_overhead_bytes",
    "dynamodb.read_unit_bytes",
    "athena.min_scanned_bytes",
    "billing.gigabyte_bytes",
    "billing.terabyte_bytes",
)
DYNAMODB_TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")
"""DynamoDB's table classes; prices of the default (STANDARD) have no class suffix."""


def retrieval_tiers(storage_class: str) -> tuple[str, ...]:
    """Tiers a member of ``storage_class`` can be read back with, cheapest last."""
    return RESTORE_TIERS.get(archive_storage_class(storage_class), (INSTANT_TIER,))


def dynamodb_item(kind: str, table_class: str) -> str:
    """The price item of ``kind`` (e.g. ``storage``) for a table of ``table_class``."""
    if table_class not in DYNAMODB_TABLE_CLASSES:
        allowed = ", ".join(DYNAMODB_TABLE_CLASSES)
        raise ValueError(f"unknown DynamoDB table class {table_class!r}; allowed: {allowed}")
    return f"dynamodb.{kind}" if table_class == "STANDARD" else f"dynamodb.{kind}.{table_class}"


def required_items() -> tuple[str, ...]:
    """Every price item each region of the file must have."""
    classes = (READABLE_STORAGE_CLASS, *ARCHIVE_STORAGE_CLASSES)
    items = [f"s3.{kind}.{name}" for kind in ("storage", "put", "get") for name in classes]
    items += [f"s3.transition.{name}" for name in ARCHIVE_STORAGE_CLASSES]
    for name in ARCHIVE_STORAGE_CLASSES:
        items += [f"s3.retrieval_gb.{name}.{tier}" for tier in retrieval_tiers(name)]
        if name in RESTORE_TIERS:
            items += [f"s3.retrieval_requests.{name}.{tier}" for tier in RESTORE_TIERS[name]]
    for kind in ("write_request_units", "read_request_units", "storage"):
        items += [dynamodb_item(kind, table_class) for table_class in DYNAMODB_TABLE_CLASSES]
    items += ["dynamodb.pitr_storage", "athena.scanned_tb"]
    return tuple(items)


class _Sourced(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str = Field(min_length=1)
    source: str = Field(pattern=r"^https://")
    checked: date
    verified: bool
    confirmed_by: tuple[str, ...] = ()
    note: str = ""


class PriceEntry(_Sourced):
    """One price: ``item`` names what is priced, e.g. ``s3.storage.DEEP_ARCHIVE``."""

    region: str = Field(min_length=1)
    item: str = Field(min_length=1)
    price: Decimal = Field(ge=0, allow_inf_nan=False)


class RuleEntry(_Sourced):
    """A billing rule that is a size, not a price (e.g. the 32 KiB Glacier overhead)."""

    name: str = Field(min_length=1)
    value: int = Field(gt=0)


class PriceMeta(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    currency: Literal["USD"]
    checked: date


class PriceFile(BaseModel):
    """The whole file, checked: no duplicates, every rule present, every region complete."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    meta: PriceMeta
    rule: tuple[RuleEntry, ...]
    price: tuple[PriceEntry, ...]

    @model_validator(mode="after")
    def _check_complete(self) -> Self:
        names = [rule.name for rule in self.rule]
        if sorted(names) != sorted(RULE_NAMES):
            raise ValueError(f"rules must be exactly {sorted(RULE_NAMES)}, got {sorted(names)}")
        seen: set[tuple[str, str]] = set()
        for entry in self.price:
            if (entry.region, entry.item) in seen:
                raise ValueError(f"{entry.item} is priced twice for {entry.region}")
            seen.add((entry.region, entry.item))
        for region in {region for region, _ in seen}:
            missing = [item for item in required_items() if (region, item) not in seen]
            if missing:
                raise ValueError(f"region {region} has no price for: {', '.join(missing)}")
        return self

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted({entry.region for entry in self.price}))


@dataclass(frozen=True, slots=True)
class PriceBook:
    """The prices of one region, by item, plus the billing rules."""

    region: str
    entries: Mapping[str, PriceEntry]
    rules: Mapping[str, RuleEntry]

    def price(self, item: str) -> Decimal:
        entry = self.entries.get(item)
        if entry is None:
            raise KeyError(f"no price for {item!r} in {self.region}")
        return entry.price

    def rule(self, name: str) -> int:
        return self.rules[name].value

    @property
    def gigabyte(self) -> int:
        return self.rule("billing.gigabyte_bytes")


@cache
def load_price_file() -> PriceFile:
    """The packaged ``prices.toml``, parsed once."""
    package = resources.files("strongroom.deep_archive.domain")
    return parse_price_file(package.joinpath(PRICE_FILE).read_text(encoding="utf-8"))


def parse_price_file(text: str) -> PriceFile:
    """``text`` in the price file's format, checked; floats become ``Decimal`` (no binary error)."""
    parsed = PriceFile.model_validate(tomllib.loads(text, parse_float=Decimal))
    threshold = next(r.value for r in parsed.rule if r.name == "lifecycle.min_transition_bytes")
    if threshold != SMALL_OBJECT_BYTES:
        raise ValueError(
            f"lifecycle.min_transition_bytes is {threshold} in the price file but the size "
            f"histogram splits at {SMALL_OBJECT_BYTES}: change both together"
        )
    return parsed


def available_regions() -> tuple[str, ...]:
    return load_price_file().regions


def price_book(region: str) -> PriceBook:
    """The prices for ``region``, or ``ValueError`` naming the regions the file covers."""
    prices = load_price_file()
    if region not in prices.regions:
        raise ValueError(f"no prices for region {region!r}; available: {', '.join(prices.regions)}")
    return PriceBook(
        region=region,
        entries={entry.item: entry for entry in prices.price if entry.region == region},
        rules={rule.name: rule for rule in prices.rule},
    )
