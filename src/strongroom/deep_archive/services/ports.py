"""What deep_archive's use cases talk to: its adapters, the deployment, a clock and id makers.

One container for every Lambda function. ``wiring`` builds each member from the function's
environment the first time it is asked for, so a function builds only what it uses; tests bind
in-memory fakes by assigning them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from strongroom.core.timefmt import utc_now
from strongroom.deep_archive.adapters.job_launcher import JobLauncher
from strongroom.deep_archive.adapters.job_store import JobStore
from strongroom.deep_archive.adapters.project_store import ProjectStore
from strongroom.deep_archive.adapters.restore_queue import RestoreQueue
from strongroom.deep_archive.domain.intake import Deployment
from strongroom.deep_archive.domain.restore_lookup import CatalogLookup, PrefixListing
from strongroom.deep_archive.domain.restore_progress import (
    ArchiveStore,
    Notifier,
    RestoredFiles,
    RestoreStore,
)


def new_id() -> str:
    return str(uuid.uuid4())


class Ports:
    projects: ProjectStore
    jobs: JobStore
    launcher: JobLauncher
    catalog: CatalogLookup
    listing: PrefixListing
    restores: RestoreStore
    queue: RestoreQueue
    archives: ArchiveStore
    restored: RestoredFiles
    notifier: Notifier
    deployment: Deployment
    restore_bucket: str
    copy_days: int

    def __init__(
        self,
        clock: Callable[[], datetime] = utc_now,
        new_job_id: Callable[[], str] = new_id,
        new_restore_id: Callable[[], str] = new_id,
    ) -> None:
        self.clock = clock
        self.new_job_id = new_job_id
        self.new_restore_id = new_restore_id
