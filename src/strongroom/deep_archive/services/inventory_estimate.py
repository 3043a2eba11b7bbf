"""Price a hypothetical inventory, for planning before anything exists: no bucket is listed.

Either ``objects`` files of ``size`` bytes each, or a size histogram (CSV lines
``size_bytes,count``); keys are assumed ``key_bytes`` long. The archive count is estimated from
the totals (exact for uniform sizes).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from strongroom.deep_archive.domain.cost import CostEstimate, estimate
from strongroom.deep_archive.domain.cost_catalog import DEFAULT_CATALOG, CatalogDesign
from strongroom.deep_archive.domain.grouping import megabytes
from strongroom.deep_archive.domain.projects import MAX_FILE_COUNT
from strongroom.deep_archive.domain.storage import ArchiveStorageClass
from strongroom.deep_archive.domain.tally import ListingTally

MAX_OBJECTS = 10**12
"""The same bound as a request's ``expected_files``."""
MAX_OBJECT_BYTES = 5 * 1024**4
"""S3's largest object (5 TiB)."""
DEFAULT_KEY_BYTES = 40
HISTOGRAM_HEADER = ("size_bytes", "count")


class InventoryOptions(BaseModel):
    """How a hypothetical inventory would be archived and catalogued."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    storage_class: ArchiveStorageClass
    file_count: int = Field(ge=1, le=MAX_FILE_COUNT)
    archive_size_mb: int = Field(ge=1, le=5_000_000)
    key_bytes: int = Field(default=DEFAULT_KEY_BYTES, ge=1, le=1024)
    catalog: CatalogDesign = DEFAULT_CATALOG


class UniformObjects(BaseModel):
    """``objects`` files of ``size`` bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    objects: int = Field(ge=1, le=MAX_OBJECTS)
    size: int = Field(ge=0, le=MAX_OBJECT_BYTES)


class HistogramError(ValueError):
    """A histogram file line that is not ``size_bytes,count`` with sensible numbers."""


@dataclass(frozen=True, slots=True)
class InventoryEstimate:
    cost: CostEstimate
    tally: ListingTally


def uniform_tally(objects: UniformObjects, key_bytes: int) -> ListingTally:
    tally = ListingTally()
    tally.add_many(objects.size, objects.objects, key_bytes)
    return tally


def histogram_tally(text: str, key_bytes: int) -> ListingTally:
    """The tally of a histogram file: one ``size_bytes,count`` line per size, header optional."""
    tally = ListingTally()
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = tuple(cell.strip() for cell in row)
        if not cells or cells == ("",) or (number == 1 and cells == HISTOGRAM_HEADER):
            continue
        try:
            line = UniformObjects(objects=int(cells[1]), size=int(cells[0]))
            if len(cells) != 2:
                raise ValueError
        except (ValueError, IndexError) as error:
            raise HistogramError(
                f"histogram line {number}: expected 'size_bytes,count' with 0 <= size_bytes <= "
                f"{MAX_OBJECT_BYTES} and 1 <= count <= {MAX_OBJECTS}, got {','.join(cells)!r}"
            ) from error
        tally.add_many(line.size, line.objects, key_bytes)
    if not tally.files:
        raise HistogramError("histogram has no 'size_bytes,count' lines")
    if tally.files > MAX_OBJECTS:
        raise HistogramError(f"histogram counts {tally.files:,} objects; at most {MAX_OBJECTS:,}")
    return tally


def estimate_inventory(
    tally: ListingTally, options: InventoryOptions, *, region: str
) -> InventoryEstimate:
    cost = estimate(
        tally.summary(),
        storage_class=options.storage_class,
        max_files=options.file_count,
        max_bytes=megabytes(options.archive_size_mb),
        region=region,
        catalog=options.catalog,
    )
    return InventoryEstimate(cost, tally)
