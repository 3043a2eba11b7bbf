"""The AWS adapters the restore functions use, named by their environment (built on first use)."""

from __future__ import annotations

from strongroom.core.timefmt import utc_now
from strongroom.deep_archive.adapters.archive_objects import S3ArchiveStore
from strongroom.deep_archive.adapters.archived_listing import ArchivedListing
from strongroom.deep_archive.adapters.catalog_store import DynamoDBCatalogStore
from strongroom.deep_archive.adapters.notifier import SnsNotifier
from strongroom.deep_archive.adapters.project_store import DynamoDBProjectStore
from strongroom.deep_archive.adapters.restore_queue import SqsRestoreQueue
from strongroom.deep_archive.adapters.restore_store import DynamoDBRestoreStore
from strongroom.deep_archive.adapters.restored_files import S3RestoredFiles
from strongroom.deep_archive.domain.restore_progress import RestoreServices
from strongroom.deep_archive.handlers.job_start import DeploymentSettings
from strongroom.deep_archive.handlers.restore_start import (
    RestorePlane,
    RestoreSettings,
    restore_status_url,
)


def restore_plane_from_environment() -> RestorePlane:
    settings = RestoreSettings.from_environment()
    return RestorePlane(
        projects=DynamoDBProjectStore.from_environment(),
        catalog=DynamoDBCatalogStore.from_environment(),
        listing=ArchivedListing.from_environment(),
        store=DynamoDBRestoreStore.from_environment(),
        queue=SqsRestoreQueue.from_environment(),
        deployment=DeploymentSettings.from_environment().deployment(),
        restore_bucket=settings.restore_bucket,
    )


def restore_services_from_environment() -> RestoreServices:
    settings = RestoreSettings.from_environment()
    return RestoreServices(
        store=DynamoDBRestoreStore.from_environment(),
        archives=S3ArchiveStore(),
        restored=S3RestoredFiles(settings.restore_bucket),
        notifier=SnsNotifier(),
        clock=utc_now,
        copy_days=settings.copy_days,
        status_url=restore_status_url,
    )
