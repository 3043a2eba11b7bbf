"""In-memory twin of ``archive_record_store``: the same items, the same lookup rules."""

from __future__ import annotations

import threading

from strongroom.deep_archive.adapters.archive_record_store import record_from_item, record_item
from strongroom.deep_archive.domain.archive_records import ArchiveRecord


class InMemoryArchiveRecords:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._archives: dict[tuple[str, str, str, str], object] = {}
        self._jobs: dict[tuple[str, str, str], tuple[str, str]] = {}

    def put_archive(self, record: ArchiveRecord) -> None:
        job = (record.project, record.source_bucket, record.job_id)
        with self._lock:
            self._archives[(*job, record.first_key)] = record_item(record)
            first, last = self._jobs.get(job, (record.first_key, record.last_key))
            self._jobs[job] = (min(first, record.first_key), max(last, record.last_key))

    def archives_holding(self, project: str, bucket: str, key: str) -> list[ArchiveRecord]:
        with self._lock:
            jobs = sorted(self._jobs.items())
            archives = dict(self._archives)
        found: list[ArchiveRecord] = []
        for (owner, source, job_id), (first, last) in jobs:
            if (owner, source) != (project, bucket) or not first <= key <= last:
                continue
            starts = [
                start
                for (p, b, j, start) in archives
                if (p, b, j) == (owner, source, job_id) and start <= key
            ]
            if starts:
                record = record_from_item(archives[(owner, source, job_id, max(starts))])
                if record.holds(key):
                    found.append(record)
        return found

    def archives_overlapping(self, project: str, bucket: str, prefix: str) -> list[ArchiveRecord]:
        with self._lock:
            items = list(self._archives.items())
        found = [
            record_from_item(item)
            for (owner, source, _, _), item in items
            if (owner, source) == (project, bucket)
        ]
        return sorted(
            (record for record in found if record.overlaps_prefix(prefix)),
            key=lambda record: (record.first_key, record.job_id),
        )

    def archives_of_job(self, project: str, bucket: str, job_id: str) -> list[ArchiveRecord]:
        with self._lock:
            archives = sorted(self._archives.items())
        return [
            record_from_item(item)
            for (owner, source, job, _), item in archives
            if (owner, source, job) == (project, bucket, job_id)
        ]

    def recorded_jobs(self, project: str, bucket: str) -> list[str]:
        with self._lock:
            jobs = sorted(self._jobs)
        return [job_id for owner, source, job_id in jobs if (owner, source) == (project, bucket)]
