"""What archiving a set of objects costs: lifecycle per object versus packed zip archives.

Two options side by side, each as a one-time bill and a monthly bill made of priced lines:

(a) lifecycle per object: every object transitioned by an S3 lifecycle rule, paying one
    transition request each and, in GLACIER and DEEP_ARCHIVE, 40 KiB of overhead per object
    (32 KiB at the archive class, 8 KiB at S3 Standard).
(b) packed archives: sources listed and read once, written as zip archives by multipart
    upload (the packer's part size), each verified with a HEAD, and catalogued: by Parquet
    manifests and a record per archive (what the packer writes) or, for comparison, by the
    design before it (a DynamoDB item per file, its ALL-projecting index, point-in-time recovery
    and a JSON Lines manifest in Standard); see ``cost_catalog``.

Plus what restoring one file costs per tier (packed: the whole archive is retrieved) and after
how many months packing has paid for itself. Money is ``Decimal`` throughout, rounded only by
``format_usd`` for display. Prices come from ``prices.toml`` (see ``cost_prices``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from strongroom.deep_archive.domain.cost_catalog import (
    DEFAULT_CATALOG,
    CatalogDesign,
    CatalogInputs,
    catalog_cost,
)
from strongroom.deep_archive.domain.cost_lines import THOUSAND, CostLine, LookupCost, Pricer
from strongroom.deep_archive.domain.cost_prices import PriceBook, price_book, retrieval_tiers
from strongroom.deep_archive.domain.grouping import (
    ARCHIVE_TRAILER_BYTES,
    MIB,
    zip_overhead,
)
from strongroom.deep_archive.domain.parts import parts_for
from strongroom.deep_archive.domain.storage import (
    READABLE_STORAGE_CLASS,
    RESTORE_REQUIRED,
    archive_storage_class,
)

CENT = Decimal("0.01")
MICRO_DOLLAR = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class InventorySummary:
    """What the cost model needs to know about the objects: counts and bytes, not the list."""

    object_count: int
    total_bytes: int
    small_object_count: int
    """Objects under 128 KiB: lifecycle skips them by default; IA classes bill them as 128 KiB."""
    small_object_bytes: int
    key_bytes: int
    """Sum of the keys' UTF-8 lengths (zip names, catalog items, manifest lines grow with it)."""

    def __post_init__(self) -> None:
        values = (self.object_count, self.total_bytes, self.small_object_count)
        if min(*values, self.small_object_bytes, self.key_bytes) < 0:
            raise ValueError("inventory counts and sizes must not be negative")
        if self.small_object_count > self.object_count:
            raise ValueError("small_object_count cannot exceed object_count")
        if self.small_object_bytes > self.total_bytes:
            raise ValueError("small_object_bytes cannot exceed total_bytes")


@dataclass(frozen=True, slots=True)
class OptionCost:
    """One way of archiving: what it costs once, and every month after."""

    name: str
    stored_objects: int
    """Objects that end up in the archive class (transitioned objects, or archives)."""
    one_time: tuple[CostLine, ...]
    monthly: tuple[CostLine, ...]

    @property
    def one_time_total(self) -> Decimal:
        return sum((line.amount for line in self.one_time), Decimal(0))

    @property
    def monthly_total(self) -> Decimal:
        return sum((line.amount for line in self.monthly), Decimal(0))


@dataclass(frozen=True, slots=True)
class RestoreCost:
    """Restoring one average file with ``tier``: as its own object, or via its whole archive."""

    tier: str
    per_object: Decimal
    packed: Decimal


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """Both options for one inventory, class and region, with the assumptions in ``notes``."""

    region: str
    storage_class: str
    object_count: int
    total_bytes: int
    archive_count: int
    lifecycle: OptionCost
    packed: OptionCost
    restores: tuple[RestoreCost, ...]
    notes: tuple[str, ...]
    catalog: str = DEFAULT_CATALOG
    lookups: tuple[LookupCost, ...] = ()

    @property
    def packing_pays_off_after_months(self) -> Decimal | None:
        """Months after which packing has cost less in total; 0: from the start; None: never.

        None also when packing is cheaper up front but dearer every month (see ``verdict``).
        """
        extra_up_front = self.packed.one_time_total - self.lifecycle.one_time_total
        monthly_saving = self.lifecycle.monthly_total - self.packed.monthly_total
        if extra_up_front <= 0 and monthly_saving >= 0:
            return Decimal(0)
        if extra_up_front > 0 and monthly_saving > 0:
            return extra_up_front / monthly_saving
        return None

    @property
    def verdict(self) -> str:
        months = self.packing_pays_off_after_months
        if months == 0:
            return "packing is cheaper from the start"
        if months is not None:
            return f"packing pays off after {months:.1f} months"
        extra_up_front = self.packed.one_time_total - self.lifecycle.one_time_total
        monthly_loss = self.packed.monthly_total - self.lifecycle.monthly_total
        if extra_up_front < 0:
            return (
                f"packing is cheaper only for the first {-extra_up_front / monthly_loss:.1f} months"
            )
        return "packing never pays off"

    @property
    def cheaper_by(self) -> tuple[Decimal | None, Decimal | None]:
        """Lifecycle's cost over packing's, once and a month (None: packing costs nothing)."""

        def ratio(lifecycle: Decimal, packed: Decimal) -> Decimal | None:
            return lifecycle / packed if packed > 0 else None

        return (
            ratio(self.lifecycle.one_time_total, self.packed.one_time_total),
            ratio(self.lifecycle.monthly_total, self.packed.monthly_total),
        )

    def as_rows(self) -> list[tuple[str, str, str]]:
        """A table for the CLI: header row, then item / lifecycle per object / packed archives."""
        rows = [
            ("", self.lifecycle.name, self.packed.name),
            ("objects", f"{self.object_count:,}", f"{self.object_count:,}"),
            (
                f"objects stored in {self.storage_class}",
                f"{self.lifecycle.stored_objects:,}",
                f"{self.packed.stored_objects:,}",
            ),
        ]
        rows += _line_rows(self.lifecycle.one_time, self.packed.one_time)
        rows.append(
            (
                "one-time total",
                format_usd(self.lifecycle.one_time_total),
                format_usd(self.packed.one_time_total),
            )
        )
        rows += _line_rows(self.lifecycle.monthly, self.packed.monthly, suffix=" / month")
        rows.append(
            (
                "monthly total",
                format_usd(self.lifecycle.monthly_total),
                format_usd(self.packed.monthly_total),
            )
        )
        rows += [
            (f"restore one file, {r.tier}", format_usd(r.per_object), format_usd(r.packed))
            for r in self.restores
        ]
        rows += [(lookup.label, "", format_usd(lookup.amount)) for lookup in self.lookups]
        once, monthly = self.cheaper_by
        rows.append(("lifecycle ÷ packed", "", f"{_times(once)} once, {_times(monthly)} a month"))
        rows.append(("verdict", "", self.verdict))
        return rows


def _times(ratio: Decimal | None) -> str:
    return "-" if ratio is None else f"{ratio:.1f}x"


def _line_rows(
    lifecycle: Sequence[CostLine], packed: Sequence[CostLine], *, suffix: str = ""
) -> list[tuple[str, str, str]]:
    return [(line.label + suffix, format_usd(line.amount), "") for line in lifecycle] + [
        (line.label + suffix, "", format_usd(line.amount)) for line in packed
    ]


def format_usd(amount: Decimal) -> str:
    """Dollars for people, rounded half up: cents from one cent, else up to six decimals."""
    sign, size = ("-" if amount < 0 else ""), abs(amount)
    if size == 0 or size >= CENT:
        return f"{sign}${size.quantize(CENT, ROUND_HALF_UP):,}"
    smallest = size.quantize(MICRO_DOLLAR, ROUND_HALF_UP)
    if smallest == 0:
        return f"{sign}<$0.000001"
    return f"{sign}${smallest.normalize():f}"


def estimate(
    summary: InventorySummary,
    *,
    storage_class: str,
    max_files: int,
    max_bytes: int,
    region: str = "us-east-1",
    archive_count: int | None = None,
    lifecycle_moves_small_objects: bool = True,
    catalog: CatalogDesign = DEFAULT_CATALOG,
    table_class: str = "STANDARD",
) -> CostEstimate:
    """Both options for ``summary`` written to ``storage_class`` in ``region``.

    ``archive_count``: the plan's count when a plan exists, else estimated from the totals.
    ``lifecycle_moves_small_objects``: whether the lifecycle rule compared against also moves
    objects under 128 KiB; S3's default rule does not, and the lifecycle option then pays
    Standard rates for them every month.
    ``catalog``: the design priced for the packed option (``parquet``: manifests in S3, one
    record per archive, what the packer writes; ``dynamodb``: one item per file, the design
    before, for comparison); ``table_class``: its DynamoDB table class.
    """
    storage_class = archive_storage_class(storage_class)
    if max_files < 1 or max_bytes < 1:
        raise ValueError("max_files and max_bytes must be positive")
    prices = price_book(region)
    archives = (
        archive_count
        if archive_count is not None
        else _estimated_archive_count(summary, max_files, max_bytes)
    )
    if archives < 0 or (summary.object_count and not archives):
        raise ValueError(f"archive_count {archives} does not fit {summary.object_count} objects")
    model = _Model(prices, storage_class, summary, archives)
    catalog_lines = catalog_cost(
        catalog,
        model,
        CatalogInputs(summary.object_count, summary.key_bytes, archives, table_class),
    )
    lifecycle = model.lifecycle(move_small=lifecycle_moves_small_objects)
    packed = model.packed(catalog_lines.one_time(), catalog_lines.monthly())
    lookups = catalog_lines.lookups()
    lines = (*lifecycle.one_time, *lifecycle.monthly, *packed.one_time, *packed.monthly)
    lines += tuple(line for lookup in lookups for line in lookup.lines)
    notes = (
        model.notes(
            lifecycle_moves_small_objects,
            estimated_archives=archive_count is None,
            price_items=[line.price_item for line in lines] + model.restore_items(),
        )
        + catalog_lines.notes()
    )
    return CostEstimate(
        region=region,
        storage_class=storage_class,
        object_count=summary.object_count,
        total_bytes=summary.total_bytes,
        archive_count=archives,
        lifecycle=lifecycle,
        packed=packed,
        restores=model.restores(),
        notes=notes,
        catalog=catalog,
        lookups=lookups,
    )


def _estimated_archive_count(summary: InventorySummary, max_files: int, max_bytes: int) -> int:
    if not summary.object_count:
        return 0
    by_count = math.ceil(summary.object_count / max_files)
    room = max_bytes - ARCHIVE_TRAILER_BYTES
    if room <= 0:
        return summary.object_count
    by_bytes = math.ceil(_member_bytes(summary) / room)
    return min(summary.object_count, max(by_count, by_bytes))


def _member_bytes(summary: InventorySummary) -> int:
    """Members' bytes in the archives, headers included (``zip_overhead`` summed over keys)."""
    return summary.total_bytes + summary.object_count * zip_overhead(0) + 2 * summary.key_bytes


class _Model(Pricer):
    """The arithmetic, one method per option, sharing the inputs."""

    def __init__(
        self,
        prices: PriceBook,
        storage_class: str,
        summary: InventorySummary,
        archives: int,
    ) -> None:
        super().__init__(prices)
        self.storage_class = storage_class
        self.summary = summary
        self.archives = archives
        self.archive_bytes = _member_bytes(summary) + archives * ARCHIVE_TRAILER_BYTES
        self.archived_class = storage_class in RESTORE_REQUIRED

    def overhead_lines(self, stored_objects: int, what: str) -> list[CostLine]:
        """The 32 KiB + 8 KiB each object in GLACIER or DEEP_ARCHIVE also pays for."""
        if not self.archived_class:
            return []
        in_class = self.prices.rule("glacier.archive_class_overhead_bytes")
        in_standard = self.prices.rule("glacier.standard_overhead_bytes")
        return [
            self.stored(
                f"{in_class // 1024} KiB overhead per {what} in {self.storage_class}",
                stored_objects * in_class,
                self.storage_class,
            ),
            self.stored(
                f"{in_standard // 1024} KiB overhead per {what} in {READABLE_STORAGE_CLASS}",
                stored_objects * in_standard,
                READABLE_STORAGE_CLASS,
            ),
        ]

    def billable(self, size: int, objects: int) -> int:
        """Bytes billed for ``objects`` holding ``size`` bytes (IA classes round small ones up)."""
        if self.archived_class:
            return size
        return max(size, objects * self.prices.rule("s3.min_billable_object_bytes"))

    def lifecycle(self, *, move_small: bool) -> OptionCost:
        summary, cls = self.summary, self.storage_class
        large_count = summary.object_count - summary.small_object_count
        large_bytes = summary.total_bytes - summary.small_object_bytes
        moved = summary.object_count if move_small else large_count
        moved_bytes = large_bytes
        if move_small:
            moved_bytes += self.billable(summary.small_object_bytes, summary.small_object_count)
        monthly = [self.stored(f"objects in {cls}", moved_bytes, cls)]
        monthly += self.overhead_lines(moved, "object")
        if not move_small and summary.small_object_count:
            monthly.append(
                self.stored(
                    f"objects under 128 KiB left in {READABLE_STORAGE_CLASS}",
                    summary.small_object_bytes,
                    READABLE_STORAGE_CLASS,
                )
            )
        return OptionCost(
            name="lifecycle per object",
            stored_objects=moved,
            one_time=(
                self.requests(f"lifecycle transitions into {cls}", moved, f"s3.transition.{cls}"),
            ),
            monthly=tuple(monthly),
        )

    def packed(
        self, catalog_one_time: tuple[CostLine, ...], catalog_monthly: tuple[CostLine, ...]
    ) -> OptionCost:
        cls, archives = self.storage_class, self.archives
        count = self.summary.object_count
        parts = self.parts_per_archive()
        one_time = (
            self.requests("LIST source objects", math.ceil(count / 1000), "s3.put.STANDARD"),
            self.requests("GET source objects", count, "s3.get.STANDARD"),
            self.requests(
                f"multipart upload into {cls} ({parts} parts + create + complete per archive)",
                archives * (parts + 2),
                f"s3.put.{cls}",
            ),
            self.requests("HEAD each archive to verify it", archives, f"s3.get.{cls}"),
            *catalog_one_time,
        )
        monthly = (
            self.stored(f"archives in {cls}", self.billable(self.archive_bytes, archives), cls),
            *self.overhead_lines(archives, "archive"),
            *catalog_monthly,
        )
        return OptionCost("packed archives", archives, one_time, monthly)

    def parts_per_archive(self) -> int:
        if not self.archives:
            return 0
        return parts_for(math.ceil(self.archive_bytes / self.archives))

    def restores(self) -> tuple[RestoreCost, ...]:
        """One average file back, per tier: GLACIER classes restore the whole object first."""
        count = self.summary.object_count
        if not count:
            return tuple(
                RestoreCost(t, Decimal(0), Decimal(0)) for t in retrieval_tiers(self.storage_class)
            )
        average_object = Decimal(self.summary.total_bytes) / count
        average_archive = Decimal(self.archive_bytes) / self.archives
        read_back = self.prices.price(f"s3.get.{self.storage_class}") / THOUSAND
        costs = []
        for tier in retrieval_tiers(self.storage_class):
            per_gb = self.prices.price(f"s3.retrieval_gb.{self.storage_class}.{tier}")
            request = read_back
            if self.archived_class:
                restore_item = f"s3.retrieval_requests.{self.storage_class}.{tier}"
                request += self.prices.price(restore_item) / THOUSAND
            # A ranged GET of an instantly readable archive reads only the member.
            packed_bytes = average_archive if self.archived_class else average_object
            costs.append(
                RestoreCost(
                    tier=tier,
                    per_object=request + self.gigabytes(average_object) * per_gb,
                    packed=request + self.gigabytes(packed_bytes) * per_gb,
                )
            )
        return tuple(costs)

    def restore_items(self) -> list[str]:
        items = [f"s3.get.{self.storage_class}"]
        for tier in retrieval_tiers(self.storage_class):
            items.append(f"s3.retrieval_gb.{self.storage_class}.{tier}")
            if self.archived_class:
                items.append(f"s3.retrieval_requests.{self.storage_class}.{tier}")
        return items

    def notes(
        self, move_small: bool, *, estimated_archives: bool, price_items: Iterable[str]
    ) -> tuple[str, ...]:
        notes = []
        small = self.summary.small_object_count
        if small and move_small:
            notes.append(
                f"lifecycle option assumes a rule that also moves the {small:,} objects under "
                "128 KiB (varies_by_storage_class or an ObjectSizeGreaterThan filter); "
                "by default S3 lifecycle leaves them in STANDARD"
            )
        if estimated_archives:
            notes.append(
                "archive count estimated from totals; pass the plan's count for an exact figure"
            )
        if self.archived_class and self.archives:
            size = Decimal(self.archive_bytes) / self.archives / MIB
            notes.append(
                f"restoring one packed file retrieves its whole archive (average {size:.1f} MiB)"
            )
        unverified = sorted(
            {item for item in price_items if not self.prices.entries[item].verified}
        )
        if unverified:
            notes.append("unverified prices used: " + ", ".join(unverified))
        notes.append(
            "GB = 2^30 bytes; S3 Standard at its first-50-TB rate; free tiers and early "
            "deletion fees ignored; archives budgeted uncompressed"
        )
        return tuple(notes)
