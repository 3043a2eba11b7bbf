"""A restore world of in-memory fakes: archives, catalog, restore store, restore bucket, SNS."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from strongroom.deep_archive.adapters.in_memory_archive_objects import (
    InMemoryArchiveStore,
    InMemoryRestoredFiles,
    RecordingNotifier,
)
from strongroom.deep_archive.adapters.in_memory_catalog import InMemoryCatalogStore
from strongroom.deep_archive.adapters.in_memory_listing import InMemoryPrefixListing
from strongroom.deep_archive.adapters.in_memory_projects import InMemoryProjectStore
from strongroom.deep_archive.adapters.in_memory_restore_queue import RecordingRestoreQueue
from strongroom.deep_archive.adapters.in_memory_restores import InMemoryRestoreStore
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.intake import Deployment
from strongroom.deep_archive.domain.restore_progress import AdvanceReport, advance
from strongroom.deep_archive.domain.restores import RestoreRequest
from strongroom.deep_archive.handlers import api
from strongroom.deep_archive.services.ports import Ports
from strongroom.deep_archive.services.restore_requests import start_restore
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.deep_archive_api.support import http_event

from .archives import ARCHIVE_BUCKET, PROJECT, TOPIC, SourceFile, pack, project

RESTORE_BUCKET = "restore-bucket"
DEPLOYMENT = Deployment(region="eu-west-1", account_id="123456789012")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class RestoreWorld:
    clock: Clock = field(default_factory=Clock)
    catalog: InMemoryCatalogStore = field(default_factory=InMemoryCatalogStore)
    archives: InMemoryArchiveStore = field(default_factory=InMemoryArchiveStore)
    restored: InMemoryRestoredFiles = field(default_factory=InMemoryRestoredFiles)
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)
    queue: RecordingRestoreQueue = field(default_factory=RecordingRestoreQueue)
    sources: dict[str, bytes] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.store = InMemoryRestoreStore(clock=self.clock)
        self.projects = InMemoryProjectStore([project()])
        self.ports = Ports(
            clock=self.clock,
            new_restore_id=lambda: f"00000000-0000-4000-8000-{next(self._ids):012d}",
        )
        self.ports.projects = self.projects
        self.ports.catalog = self.catalog
        self.ports.listing = InMemoryPrefixListing(self.catalog)
        self.ports.restores = self.store
        self.ports.queue = self.queue
        self.ports.archives = self.archives
        self.ports.restored = self.restored
        self.ports.notifier = self.notifier
        self.ports.deployment = DEPLOYMENT
        self.ports.restore_bucket = RESTORE_BUCKET
        self.ports.copy_days = 1

    def archive(
        self, key: str, files: list[SourceFile], storage_class: str = "DEEP_ARCHIVE"
    ) -> list[CatalogEntry]:
        data, entries = pack(key, files, storage_class=storage_class)
        self.archives.put(ARCHIVE_BUCKET, key, data, storage_class)
        self.catalog.put_entries(entries)
        self.sources.update({file.key: file.body for file in files})
        return entries

    def request(self, *names: str, tier: str = "Standard") -> str:
        body: dict[str, object] = {
            "project_name": PROJECT,
            "retrieval_tier": tier,
            "sns_topic_arn": TOPIC,
            "files": list(names),
        }
        record, _ = start_restore(self.ports, RestoreRequest.model_validate(body))
        return record.restore_id

    def advance(self, restore_id: str) -> AdvanceReport:
        return advance(restore_id, self.ports)


def call(method: str, path: str, body: Any | None = None) -> tuple[int, Any]:
    """The API function's answer (status, JSON body) to one HTTP API request."""
    response = api.handler(http_event(method, path, body), FakeLambdaContext())
    return response["statusCode"], json.loads(response["body"])
