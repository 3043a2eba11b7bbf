"""What code outside deep_archive (the CLI, its local seed data) may import: nothing else of it.

The import contracts in .importlinter keep the rest of the package private to it.
"""

from __future__ import annotations

from strongroom.deep_archive.adapters.project_store import DynamoDBProjectStore
from strongroom.deep_archive.domain.cost_catalog import (
    CATALOG_DESIGNS,
    DEFAULT_CATALOG,
    CatalogDesign,
    catalog_design,
)
from strongroom.deep_archive.domain.cost_prices import available_regions
from strongroom.deep_archive.domain.grouping import MIB, SizeBucket
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.domain.projects import (
    DEFAULT_ARCHIVE_SIZE_MB,
    DEFAULT_FILE_COUNT,
    MonthlySchedule,
    Project,
    SourceLocation,
)
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.domain.restores import RETRIEVAL_TIERS, RestoreRequest
from strongroom.deep_archive.services.catalog_migration import MigrationReport, migrate_project
from strongroom.deep_archive.services.estimating import (
    EstimateOptions,
    SourceEstimate,
    UnpricedRegionError,
    estimate_source,
    price_region,
)
from strongroom.deep_archive.services.inventory_estimate import (
    DEFAULT_KEY_BYTES,
    HistogramError,
    InventoryOptions,
    UniformObjects,
    estimate_inventory,
    histogram_tally,
    uniform_tally,
)

__all__ = [
    "CATALOG_DESIGNS",
    "DEFAULT_ARCHIVE_SIZE_MB",
    "DEFAULT_CATALOG",
    "DEFAULT_FILE_COUNT",
    "DEFAULT_KEY_BYTES",
    "MIB",
    "RETRIEVAL_TIERS",
    "ArchiveRequest",
    "CatalogDesign",
    "DynamoDBProjectStore",
    "EstimateOptions",
    "HistogramError",
    "InventoryOptions",
    "JobStatus",
    "MigrationReport",
    "MonthlySchedule",
    "Project",
    "RestoreRequest",
    "SizeBucket",
    "SourceEstimate",
    "SourceLocation",
    "UniformObjects",
    "UnpricedRegionError",
    "available_regions",
    "catalog_design",
    "estimate_inventory",
    "estimate_source",
    "histogram_tally",
    "migrate_project",
    "price_region",
    "uniform_tally",
]
