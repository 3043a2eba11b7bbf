"""Starting a restore: resolve the request, record it, and hand it to the restore worker.

The API only records and enqueues; the worker (``restore_worker``) talks to S3. If the enqueue
fails the request is still recorded and open, and the scheduled sweep starts it within the hour.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import Field

from strongroom.core.observability import logger
from strongroom.core.settings import EnvironmentSettings
from strongroom.core.timefmt import utc_now
from strongroom.deep_archive.adapters.item_codec import to_millis
from strongroom.deep_archive.adapters.project_store import ProjectStore
from strongroom.deep_archive.domain.intake import Deployment
from strongroom.deep_archive.domain.restore_lookup import (
    CatalogLookup,
    PrefixListing,
    resolve_restore,
)
from strongroom.deep_archive.domain.restore_progress import RestoreStore
from strongroom.deep_archive.domain.restores import RestoreFile, RestoreRecord, RestoreRequest


class RestoreQueue(Protocol):
    def start(self, restore_id: str) -> None: ...


def new_restore_id() -> str:
    return str(uuid.uuid4())


def restore_status_url(restore_id: str) -> str:
    return f"/restores/{restore_id}"


class RestoreSettings(EnvironmentSettings):
    """Where restored files go and how long S3 keeps an archive's restored copy."""

    restore_bucket: str = Field(alias="RESTORE_BUCKET_NAME", min_length=3)
    copy_days: int = Field(alias="RESTORE_COPY_DAYS", default=1, ge=1, le=30)


@dataclass(frozen=True)
class RestorePlane:
    """What accepting and reading restore requests needs; tests build one from fakes."""

    projects: ProjectStore
    catalog: CatalogLookup
    listing: PrefixListing
    store: RestoreStore
    queue: RestoreQueue
    deployment: Deployment
    restore_bucket: str
    clock: Callable[[], datetime] = field(default=utc_now)
    new_restore_id: Callable[[], str] = field(default=new_restore_id)


def start_restore(
    plane: RestorePlane, request: RestoreRequest
) -> tuple[RestoreRecord, list[RestoreFile]]:
    """Record the restore ``request`` asks for and enqueue it; raises what resolving raises."""
    project = plane.projects.get(request.project_name)
    tier, resolved = resolve_restore(
        request, project, plane.deployment, plane.catalog, plane.listing
    )
    now = to_millis(plane.clock())
    restore_id = plane.new_restore_id()
    record = RestoreRecord(
        restore_id=restore_id,
        project=request.project_name,
        retrieval_tier=tier,
        sns_topic_arn=request.sns_topic_arn,
        restore_bucket=plane.restore_bucket,
        file_count=len(resolved),
        created_at=now,
    )
    files = [
        RestoreFile(index=index, requested=file.requested, entry=file.entry, updated_at=now)
        for index, file in enumerate(resolved)
    ]
    plane.store.create(record, files)
    try:
        plane.queue.start(restore_id)
    except (BotoCoreError, ClientError):
        logger.exception(
            "restore recorded but not enqueued: the sweep will start it", restore_id=restore_id
        )
    return record, files
