"""Priced lines: a quantity of one price item, and the helper that makes them from a price book."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from strongroom.deep_archive.domain.cost_prices import PriceBook

THOUSAND = Decimal(1000)
MILLION = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class CostLine:
    """``quantity`` units of ``price_item`` at ``unit_price`` each."""

    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    price_item: str

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class LookupCost:
    """What finding one file in the catalog costs, before its archive is read."""

    label: str
    lines: tuple[CostLine, ...]

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


class Pricer:
    """Makes ``CostLine``s in the units the price file uses."""

    def __init__(self, prices: PriceBook) -> None:
        self.prices = prices

    def gigabytes(self, size: int | Decimal) -> Decimal:
        return Decimal(size) / self.prices.gigabyte

    def line(self, label: str, quantity: Decimal, unit: str, item: str) -> CostLine:
        return CostLine(label, quantity, unit, self.prices.price(item), item)

    def requests(self, label: str, count: int | Decimal, item: str) -> CostLine:
        return self.line(label, Decimal(count) / THOUSAND, "1,000 requests", item)

    def stored(self, label: str, size: int | Decimal, storage_class: str) -> CostLine:
        return self.line(label, self.gigabytes(size), "GB-month", f"s3.storage.{storage_class}")

    def retrieved(self, label: str, size: int | Decimal, storage_class: str) -> CostLine:
        """Retrieval fee of an instantly readable class (STANDARD_IA, GLACIER_IR) per GB read."""
        item = f"s3.retrieval_gb.{storage_class}.Instant"
        return self.line(label, self.gigabytes(size), "GB", item)

    def units(self, label: str, units: int | Decimal, item: str, what: str) -> CostLine:
        """DynamoDB request units (priced per million)."""
        return self.line(label, Decimal(units) / MILLION, f"million {what}", item)

    def scanned(self, label: str, size: int) -> CostLine:
        """An Athena query over ``size`` bytes: at least the minimum, rounded up to the MB."""
        mb = 1024 * 1024
        billed = max(-(-size // mb) * mb, self.prices.rule("athena.min_scanned_bytes"))
        tb = Decimal(billed) / self.prices.rule("billing.terabyte_bytes")
        return self.line(label, tb, "TB scanned", "athena.scanned_tb")
