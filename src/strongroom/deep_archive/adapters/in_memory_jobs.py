"""In-memory twin of the Jobs table (``job_store``): same item encoding, conditions and errors.

Records go through the DynamoDB item encoding, so what comes back is exactly what the table would
give back (timestamps in milliseconds, numbers as JSON).
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime

from strongroom.core.timefmt import iso_millis, utc_now
from strongroom.deep_archive.adapters.item_codec import Item, as_stored, to_millis
from strongroom.deep_archive.adapters.job_store import (
    MAX_ERRORS,
    JobAlreadyExists,
    JobNotFound,
    StatusConflict,
    checked_counters,
    checkpoint_from_item,
    checkpoint_item,
    clipped,
    job_from_item,
    job_item,
)
from strongroom.deep_archive.domain.job_records import ArchiveCheckpoint, JobRecord, JobStatus


class InMemoryJobStore:
    def __init__(self, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._jobs: dict[str, JobRecord] = {}
        self._checkpoints: dict[tuple[str, int], Item] = {}
        self._claims: dict[str, str] = {}

    def run_holder(self, run_key: str) -> str | None:
        with self._lock:
            return self._claims.get(run_key)

    def claim_run(self, run_key: str, job_id: str, *, replacing: str | None) -> bool:
        with self._lock:
            if self._claims.get(run_key) != replacing:
                return False
            self._claims[run_key] = job_id
            return True

    def release_run(self, run_key: str, job_id: str) -> None:
        with self._lock:
            if self._claims.get(run_key) == job_id:
                del self._claims[run_key]

    def create(self, record: JobRecord) -> None:
        with self._lock:
            if record.job_id in self._jobs:
                raise JobAlreadyExists(record.job_id)
            self._jobs[record.job_id] = job_from_item(job_item(record))

    def get(self, job_id: str) -> JobRecord | None:
        with self._lock:
            record = self._jobs.get(job_id)
            return None if record is None else record.model_copy(deep=True)

    def set_status(
        self,
        job_id: str,
        status: JobStatus,
        *,
        allowed_from: Collection[JobStatus],
        reason: str | None = None,
    ) -> None:
        if not allowed_from:
            raise ValueError("allowed_from is empty: no status could ever change")
        with self._updating(job_id) as record:
            if record.status not in allowed_from:
                raise StatusConflict(job_id, status, allowed_from)
            record.status = status
            record.status_reason = None if reason is None else clipped([reason])[0]

    def add_counts(self, job_id: str, **deltas: int) -> None:
        counters = checked_counters(deltas)
        if not counters:
            return
        with self._updating(job_id) as record:
            for name, delta in counters.items():
                setattr(record.counts, name, getattr(record.counts, name) + delta)

    def set_plan(
        self,
        job_id: str,
        *,
        counts: Mapping[str, int],
        archive_keys: Sequence[str],
        estimate: Mapping[str, object] | None,
    ) -> None:
        counters = checked_counters(counts)
        with self._updating(job_id) as record:
            for name, value in counters.items():
                setattr(record.counts, name, value)
            record.archives = list(archive_keys)
            record.estimate = None if estimate is None else as_stored(dict(estimate))

    def append_errors(self, job_id: str, messages: Sequence[str]) -> None:
        pending = clipped(messages)
        if not pending:
            return
        with self._updating(job_id) as record:
            room = max(0, MAX_ERRORS - len(record.errors))
            record.errors.extend(pending[:room])
            record.errors_truncated += len(pending[room:])

    def add_batch_job_id(self, job_id: str, batch_job_id: str) -> None:
        with self._updating(job_id) as record:
            record.batch_job_ids.append(batch_job_id)

    def put_checkpoint(self, job_id: str, checkpoint: ArchiveCheckpoint) -> None:
        with self._lock:
            self._checkpoints[(job_id, checkpoint.index)] = checkpoint_item(job_id, checkpoint)

    def get_checkpoint(self, job_id: str, index: int) -> ArchiveCheckpoint | None:
        with self._lock:
            item = self._checkpoints.get((job_id, index))
        return None if item is None else checkpoint_from_item(item)

    def list_checkpoints(self, job_id: str) -> builtins.list[ArchiveCheckpoint]:
        with self._lock:
            items = [
                item for (owner, _), item in sorted(self._checkpoints.items()) if owner == job_id
            ]
        return [checkpoint_from_item(item) for item in items]

    def latest_for_run_key(self, run_key: str) -> JobRecord | None:
        with self._lock:
            matching = [
                record for record in self._jobs.values() if record.settings.run_key == run_key
            ]
        # Created at the same millisecond: the later insert counts as newer.
        latest = max(
            enumerate(matching),
            key=lambda numbered: (iso_millis(numbered[1].created_at), numbered[0]),
            default=None,
        )
        return None if latest is None else latest[1].model_copy(deep=True)

    def jobs(self) -> builtins.list[JobRecord]:
        """Every job, in the order created."""
        with self._lock:
            return [record.model_copy(deep=True) for record in self._jobs.values()]

    @contextmanager
    def _updating(self, job_id: str) -> Iterator[JobRecord]:
        """The stored record to change in place, under the lock; ``updated_at`` set after."""
        with self._lock:
            record = self._jobs.get(job_id)
            if record is None:
                raise JobNotFound(job_id)
            yield record
            record.updated_at = to_millis(self._clock())
