"""Price archiving a source prefix without a job: what ``strongroom archive estimate`` shows.

The listing is streamed once: it is tallied (totals, size histogram) and planned into archives
as it goes, so the archive count is the one a job would plan, not a guess from the totals,
and memory stays bounded by one archive's members.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from strongroom.deep_archive.adapters.source_listing import SkipTally, list_source
from strongroom.deep_archive.domain.cost import CostEstimate, estimate
from strongroom.deep_archive.domain.cost_catalog import DEFAULT_CATALOG, CatalogDesign
from strongroom.deep_archive.domain.cost_prices import available_regions
from strongroom.deep_archive.domain.grouping import SourceObject, iter_archive_plans, megabytes
from strongroom.deep_archive.domain.names import BucketName, KeyPrefix
from strongroom.deep_archive.domain.projects import MAX_FILE_COUNT
from strongroom.deep_archive.domain.storage import ArchiveStorageClass
from strongroom.deep_archive.domain.tally import ListingTally

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PROGRESS_EVERY = 1000
"""Objects between two progress reports: often enough to see, rarely enough to cost nothing."""
# Archive names do not change the plan's sizes (member names are the source keys), so any
# valid placeholder names will do.
_PLACEHOLDER = "estimate"

ListingProgress = Callable[[int, int], None]
"""Called with (objects listed, bytes listed) as the listing goes."""


class EstimateOptions(BaseModel):
    """What an estimate needs; the same limits as a project's archive settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bucket: BucketName
    prefix: KeyPrefix
    storage_class: ArchiveStorageClass
    file_count: int = Field(ge=1, le=MAX_FILE_COUNT)
    archive_size_mb: int = Field(ge=1, le=5_000_000)


class UnpricedRegionError(ValueError):
    def __init__(self, region: str) -> None:
        self.region = region
        super().__init__(
            f"no prices for region {region!r}; priced regions: {', '.join(available_regions())}"
        )


@dataclass(frozen=True, slots=True)
class SourceEstimate:
    cost: CostEstimate
    listed: ListingTally
    skipped: SkipTally


def price_region(region: str | None, *, fallback: str = "us-east-1") -> tuple[str, str | None]:
    """The region to price in and, when it is not the one asked for, a note saying why."""
    if region is not None and region in available_regions():
        return region, None
    return fallback, f"no prices for {region!r}: priced as {fallback}"


def estimate_source(
    s3_client: S3Client,
    options: EstimateOptions,
    *,
    region: str,
    on_progress: ListingProgress | None = None,
    catalog: CatalogDesign = DEFAULT_CATALOG,
) -> SourceEstimate:
    """List ``options``' prefix, plan it as a job would, and price both archiving options."""
    if region not in available_regions():
        raise UnpricedRegionError(region)
    skipped = SkipTally()
    listed = ListingTally()

    def tallied() -> Iterator[SourceObject]:
        for source in list_source(s3_client, options.bucket, options.prefix, on_skipped=skipped):
            listed.add(source)
            if on_progress is not None and listed.files % PROGRESS_EVERY == 0:
                on_progress(listed.files, listed.bytes)
            yield source

    max_bytes = megabytes(options.archive_size_mb)
    archives = sum(
        1
        for _ in iter_archive_plans(
            tallied(),
            max_files=options.file_count,
            max_bytes=max_bytes,
            output_prefix="",
            project=_PLACEHOLDER,
            run_label=_PLACEHOLDER,
        )
    )
    if on_progress is not None:
        on_progress(listed.files, listed.bytes)
    cost = estimate(
        listed.summary(),
        storage_class=options.storage_class,
        max_files=options.file_count,
        max_bytes=max_bytes,
        region=region,
        archive_count=archives,
        catalog=catalog,
    )
    return SourceEstimate(cost, listed, skipped)
