"""What code outside deep_archive (the CLI, its local seed data) may import: nothing else of it.

The import contracts in .importlinter keep the rest of the package private to it.
"""

from __future__ import annotations

from strongroom.deep_archive.adapters.project_store import DynamoDBProjectStore
from strongroom.deep_archive.adapters.source_listing import SkipTally, list_source
from strongroom.deep_archive.domain.cost import CostEstimate, estimate
from strongroom.deep_archive.domain.cost_prices import available_regions
from strongroom.deep_archive.domain.grouping import (
    MIB,
    SizeBucket,
    SourceObject,
    iter_archive_plans,
    megabytes,
)
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.domain.names import BucketName, KeyPrefix
from strongroom.deep_archive.domain.projects import (
    DEFAULT_ARCHIVE_SIZE_MB,
    DEFAULT_FILE_COUNT,
    MAX_FILE_COUNT,
    MonthlySchedule,
    Project,
    SourceLocation,
)
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.domain.restores import RETRIEVAL_TIERS, RestoreRequest
from strongroom.deep_archive.domain.storage import ArchiveStorageClass
from strongroom.deep_archive.domain.tally import ListingTally

__all__ = [
    "DEFAULT_ARCHIVE_SIZE_MB",
    "DEFAULT_FILE_COUNT",
    "MAX_FILE_COUNT",
    "MIB",
    "RETRIEVAL_TIERS",
    "ArchiveRequest",
    "ArchiveStorageClass",
    "BucketName",
    "CostEstimate",
    "DynamoDBProjectStore",
    "JobStatus",
    "KeyPrefix",
    "ListingTally",
    "MonthlySchedule",
    "Project",
    "RestoreRequest",
    "SizeBucket",
    "SkipTally",
    "SourceLocation",
    "SourceObject",
    "available_regions",
    "estimate",
    "iter_archive_plans",
    "list_source",
    "megabytes",
]
