"""The one place deep_archive builds its services from the environment: lazily, on first use.

Nothing here runs at import. Every Lambda function asks ``ports()`` for the one container of
what its use cases talk to, whose members are built when first used; the packer's Batch job asks
``wiring.packer.packer_services()``. Tests bind in-memory fakes with
``monkeypatch.setattr(wiring, "ports", lambda: fakes)`` instead of patching each handler.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import Field

from strongroom.core.aws import client
from strongroom.core.parquet_query import parquet_query_from_environment
from strongroom.core.settings import EnvironmentSettings
from strongroom.deep_archive.adapters.archive_objects import S3ArchiveStore
from strongroom.deep_archive.adapters.archive_record_store import DynamoDBArchiveRecords
from strongroom.deep_archive.adapters.archived_listing import ArchivedListing
from strongroom.deep_archive.adapters.catalog_store import DynamoDBCatalogStore
from strongroom.deep_archive.adapters.job_launcher import BatchJobLauncher
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore
from strongroom.deep_archive.adapters.manifest_names import ParquetNamedFiles
from strongroom.deep_archive.adapters.notifier import SnsNotifier
from strongroom.deep_archive.adapters.project_store import DynamoDBProjectStore
from strongroom.deep_archive.adapters.restore_catalog import RestoreCatalog
from strongroom.deep_archive.adapters.restore_queue import SqsRestoreQueue
from strongroom.deep_archive.adapters.restore_store import DynamoDBRestoreStore
from strongroom.deep_archive.adapters.restored_files import S3RestoredFiles
from strongroom.deep_archive.domain.intake import Deployment
from strongroom.deep_archive.domain.names import AccountId, Region
from strongroom.deep_archive.services.ports import Ports

if TYPE_CHECKING:
    from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog


class DeploymentSettings(EnvironmentSettings):
    """The account and region this service runs in: the only ones a request may name."""

    region: Region = Field(alias="AWS_REGION")
    account_id: AccountId = Field(alias="DEPLOYMENT_ACCOUNT_ID")


class RestoreSettings(EnvironmentSettings):
    """Where restored files go and how long S3 keeps an archive's restored copy."""

    restore_bucket: str = Field(alias="RESTORE_BUCKET_NAME", min_length=3)
    copy_days: int = Field(alias="RESTORE_COPY_DAYS", default=1, ge=1, le=30)


class CatalogSettings(EnvironmentSettings):
    """The bucket whose ``_catalog/`` prefix holds the Parquet manifests."""

    archive_bucket: str = Field(alias="ARCHIVE_BUCKET_NAME", min_length=3)


def manifest_catalog() -> ManifestCatalog:
    """Archive records and Parquet manifests (decision 0013), read with ranged GETs."""
    # Imported here: pyarrow loads only in a function that resolves a restore, not at start.
    from strongroom.deep_archive.adapters.manifest_catalog import (  # noqa: PLC0415
        ManifestCatalog,
        S3ManifestReader,
    )

    return ManifestCatalog(
        DynamoDBArchiveRecords.from_environment(), S3ManifestReader(client("s3"))
    )


def restore_catalog() -> RestoreCatalog:
    """Full keys through the records and manifests; bare names through the manifests' query
    (Athena, or DuckDB with ``PARQUET_QUERY_ENGINE=duckdb``); per-file items for archives with
    no record."""
    from strongroom.deep_archive.adapters.parquet_manifest import SCHEMA  # noqa: PLC0415

    # DuckDB needs the table's columns while no manifest has been written yet; Athena has them.
    schema = SCHEMA if os.environ.get("PARQUET_QUERY_ENGINE") == "duckdb" else None
    names = ParquetNamedFiles(
        parquet_query_from_environment(),
        CatalogSettings.from_environment().archive_bucket,
        schema=schema,
    )
    return RestoreCatalog(manifest_catalog(), names, DynamoDBCatalogStore.from_environment())


def prefix_listing() -> ArchivedListing:
    """Prefixes through the jobs, then records and manifests (JSON Lines where unmigrated)."""
    return ArchivedListing.from_environment(recorded=manifest_catalog())


PORT_BUILDERS: dict[str, Callable[[], object]] = {
    "projects": DynamoDBProjectStore.from_environment,
    "jobs": DynamoDBJobStore.from_environment,
    "launcher": BatchJobLauncher.from_environment,
    "catalog": restore_catalog,
    "listing": prefix_listing,
    "restores": DynamoDBRestoreStore.from_environment,
    "queue": SqsRestoreQueue.from_environment,
    "archives": S3ArchiveStore,
    "restored": lambda: S3RestoredFiles(RestoreSettings.from_environment().restore_bucket),
    "notifier": SnsNotifier,
    "deployment": lambda: Deployment(**DeploymentSettings.from_environment().model_dump()),
    "restore_bucket": lambda: RestoreSettings.from_environment().restore_bucket,
    "copy_days": lambda: RestoreSettings.from_environment().copy_days,
}


class AwsPorts(Ports):
    """Each member built from the function's environment when first asked for, then kept."""

    def __getattr__(self, name: str) -> Any:
        # Called only for a member not built yet: a function needs only its own variables.
        if name not in PORT_BUILDERS:
            raise AttributeError(name)
        value = PORT_BUILDERS[name]()
        setattr(self, name, value)
        return value


@cache
def aws_ports() -> Ports:
    return AwsPorts()


ports: Callable[[], Ports] = aws_ports
"""The seam every handler reads its services through."""
