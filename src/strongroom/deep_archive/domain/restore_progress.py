"""Moving a restore request forward: safe to run any number of times, by anyone, at any moment.

Each run reads the request, asks S3 (not memory) how far each archive's restore got, requests a
restore only for an archive that has none, extracts the files of every readable archive, and
sends the one notification when every file is final. The restore-request table is the state
machine: a file is marked only by a conditional write from the state it was read in, and the
notification is claimed before it is sent, so reruns and concurrent runs neither restore nor
notify twice. Nothing here waits: S3's restore-completed event or the scheduled sweep runs it
again later.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_header import RestoreHeader
from strongroom.deep_archive.domain.restores import (
    FileState,
    RestoreFile,
    RestoreRecord,
    RetrievalTier,
    by_archive,
    file_counts,
    request_status,
    restore_status_url,
    restored_key,
)
from strongroom.deep_archive.domain.storage import RESTORE_REQUIRED
from strongroom.deep_archive.domain.zip_reader import (
    MemberIntegrityError,
    inflate_member,
    member_range,
)

EXTRACTION_LEASE = timedelta(minutes=15)
"""How long a run may take to extract one file before another run may take it over (Lambda's
longest invocation: the run that claimed it has ended by then)."""
NOTIFICATION_CLAIM_TIMEOUT = timedelta(minutes=15)
"""A claim older than this belongs to a run that died before publishing: it may be taken over."""

OPEN_STATES: tuple[FileState, ...] = ("PENDING", "RESTORING")
NOT_STARTED: tuple[FileState, ...] = ("PENDING",)

Step = Literal["read", "wait", "restore"]
RestoreOutcome = Literal["started", "in_progress", "available"]
Outcome = Literal["unknown", "waiting", "notified", "finished", "deferred"]


@dataclass(frozen=True, slots=True)
class ArchiveObject:
    storage_class: str
    restore: RestoreHeader


class RestoreStore(Protocol):
    def create(self, record: RestoreRecord, files: Sequence[RestoreFile]) -> None:
        """Store a new request (files first, so a stored request always has all its files)."""
        ...

    def get(self, restore_id: str) -> tuple[RestoreRecord, list[RestoreFile]] | None:
        """The request and its files by index, read consistently."""
        ...

    def set_file_state(
        self,
        restore_id: str,
        index: int,
        state: FileState,
        *,
        expected: Collection[FileState],
        error: str | None = None,
    ) -> bool:
        """Move one file to ``state`` if it is in one of ``expected``; False if it was not."""
        ...

    def claim_extraction(self, restore_id: str, index: int, now: datetime, until: datetime) -> bool:
        """Take one file to extract until ``until``: True for one caller while the file is not
        final and nobody else holds an unexpired claim."""
        ...

    def waiting_on(self, archive_bucket: str, archive_key: str) -> list[str]:
        """Ids of requests with a file not yet final in that archive."""
        ...

    def open_restore_ids(self) -> list[str]:
        """Ids of requests not yet notified."""
        ...

    def claim_notification(self, restore_id: str, now: datetime, stale_before: datetime) -> bool:
        """Take the right to notify: True for the one caller that may publish."""
        ...

    def record_notification(self, restore_id: str, message_id: str, sent_at: datetime) -> None:
        """The notification went out: the request is closed."""
        ...


class ArchiveStore(Protocol):
    def archive_object(self, bucket: str, key: str) -> ArchiveObject | None:
        """Storage class and restore state of an archive (one HEAD); None if it is gone."""
        ...

    def request_restore(
        self, bucket: str, key: str, tier: RetrievalTier, days: int
    ) -> RestoreOutcome:
        """One RestoreObject: started (202), in progress already (409), or readable (200)."""
        ...

    def read_range(self, bucket: str, key: str, first: int, last: int) -> Iterable[bytes]:
        """The bytes ``first..last`` (inclusive) of an archive, from one ranged GET."""
        ...


class ArchiveNotReadable(Exception):
    """The archive's restored copy expired between the check and the read: restore it again."""


class RestoredFiles(Protocol):
    def write(self, key: str, pieces: Iterable[bytes], entry: CatalogEntry) -> None:
        """Store the file from ``pieces`` with the entry's content type and metadata; if
        ``pieces`` raises, nothing is stored and the error propagates."""
        ...


class Notifier(Protocol):
    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        """Publish and return the message id."""
        ...


class RestoreServices(Protocol):
    """What advancing a restore talks to (deep_archive's one services container has it all)."""

    @property
    def restores(self) -> RestoreStore: ...

    @property
    def archives(self) -> ArchiveStore: ...

    @property
    def restored(self) -> RestoredFiles: ...

    @property
    def notifier(self) -> Notifier: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

    @property
    def copy_days(self) -> int:
        """How long S3 keeps an archive's restored copy."""
        ...


@dataclass
class AdvanceReport:
    restore_id: str
    outcome: Outcome = "waiting"
    restores_requested: int = 0
    restores_joined: int = 0
    files_restored: int = 0
    files_failed: int = 0
    files_skipped: int = 0
    """Files another run was extracting (or had just finished) when this one came to them."""
    bytes_read: int = 0
    ranged_gets: int = 0
    """Ranged reads of archives started: one per restored file (a Deep Archive copy's GET)."""
    failures: list[str] = field(default_factory=list)


def next_step(archive: ArchiveObject) -> Step:
    """What an archive in this state allows: read it now, wait for its restore, or restore it."""
    if archive.storage_class not in RESTORE_REQUIRED or archive.restore.readable:
        return "read"
    if archive.restore.copy == "in_progress":
        return "wait"
    return "restore"


def advance(
    restore_id: str,
    services: RestoreServices,
    *,
    archive: tuple[str, str] | None = None,
    out_of_time: Callable[[], bool] = lambda: False,
) -> AdvanceReport:
    """Take one restore request as far as it can go now (see the module's docstring).

    With ``archive`` (bucket, key), only that archive's files: an archive's restore-completed
    event concerns that archive, and other archives have their own events.
    """
    report = AdvanceReport(restore_id)
    found = services.restores.get(restore_id)
    if found is None:
        report.outcome = "unknown"
        return report
    record, files = found
    if record.notification is not None and record.notification.state == "SENT":
        report.outcome = "finished"
        return report
    open_files = [file for file in files if not file.final]
    groups = by_archive(open_files)
    if archive is not None:
        groups = {archive: groups[archive]} if archive in groups else {}
    for (bucket, key), members in groups.items():
        if out_of_time():
            report.outcome = "deferred"
            return report
        _advance_archive(record, bucket, key, members, services, report, out_of_time)
        if report.outcome == "deferred":
            return report
    found = services.restores.get(restore_id)
    assert found is not None
    record, files = found
    if all(file.final for file in files) and _notify(record, files, services):
        report.outcome = "notified"
    return report


def _advance_archive(
    record: RestoreRecord,
    bucket: str,
    key: str,
    members: list[RestoreFile],
    services: RestoreServices,
    report: AdvanceReport,
    out_of_time: Callable[[], bool],
) -> None:
    archive = services.archives.archive_object(bucket, key)
    if archive is None:
        _fail_all(
            record, members, f"archive s3://{bucket}/{key} no longer exists", services, report
        )
        return
    if _ensure_readable(record, bucket, key, archive, services, report) != "read":
        for file in members:
            if file.state == "PENDING":
                services.restores.set_file_state(
                    record.restore_id, file.index, "RESTORING", expected=NOT_STARTED
                )
        return
    for file in members:
        if out_of_time():
            report.outcome = "deferred"
            return
        try:
            _extract(record, file, services, report)
        except ArchiveNotReadable:
            return  # the copy expired: the next run finds no restored copy and restores again


def _ensure_readable(
    record: RestoreRecord,
    bucket: str,
    key: str,
    archive: ArchiveObject,
    services: RestoreServices,
    report: AdvanceReport,
) -> Step:
    """``read`` if the archive can be read now; otherwise its restore is running (joined or
    just requested, at most one RestoreObject per archive and run)."""
    step = next_step(archive)
    if step == "wait":
        report.restores_joined += 1
    if step != "restore":
        return step
    outcome = services.archives.request_restore(
        bucket, key, record.retrieval_tier, services.copy_days
    )
    if outcome == "available":
        return "read"
    report.restores_requested += outcome == "started"
    report.restores_joined += outcome == "in_progress"
    return "wait"


def _extract(
    record: RestoreRecord, file: RestoreFile, services: RestoreServices, report: AdvanceReport
) -> None:
    now = services.clock()
    if not services.restores.claim_extraction(
        record.restore_id, file.index, now, now + EXTRACTION_LEASE
    ):
        report.files_skipped += 1
        return
    entry = file.entry
    pieces = inflate_member(_compressed(entry, services, report), entry)
    try:
        services.restored.write(restored_key(record.restore_id, entry.key), pieces, entry)
    except (MemberIntegrityError, ValueError) as error:
        reason = (
            f"s3://{entry.archive_bucket}/{entry.archive_key} at byte {entry.data_offset}: {error}"
        )
        _fail_all(record, [file], reason, services, report)
        return
    if services.restores.set_file_state(
        record.restore_id, file.index, "RESTORED", expected=OPEN_STATES
    ):
        report.files_restored += 1


def _compressed(
    entry: CatalogEntry, services: RestoreServices, report: AdvanceReport
) -> Iterator[bytes]:
    if entry.compressed_size == 0:
        return
    first, last = member_range(entry.data_offset, entry.compressed_size)
    report.ranged_gets += 1
    for chunk in services.archives.read_range(entry.archive_bucket, entry.archive_key, first, last):
        report.bytes_read += len(chunk)
        yield chunk


def _fail_all(
    record: RestoreRecord,
    members: list[RestoreFile],
    reason: str,
    services: RestoreServices,
    report: AdvanceReport,
) -> None:
    for file in members:
        if services.restores.set_file_state(
            record.restore_id, file.index, "FAILED", expected=OPEN_STATES, error=reason
        ):
            report.files_failed += 1
            report.failures.append(f"{file.entry.key}: {reason}")


def _notify(record: RestoreRecord, files: list[RestoreFile], services: RestoreServices) -> bool:
    now = services.clock()
    if not services.restores.claim_notification(
        record.restore_id, now, now - NOTIFICATION_CLAIM_TIMEOUT
    ):
        return False
    subject, message = notification(record, files, restore_status_url(record.restore_id))
    message_id = services.notifier.publish(record.sns_topic_arn, subject, message)
    services.restores.record_notification(record.restore_id, message_id, services.clock())
    return True


def notification(
    record: RestoreRecord, files: list[RestoreFile], status_url: str
) -> tuple[str, str]:
    """The subject and JSON body of the one message a finished request sends."""
    counts = file_counts(files)
    status = request_status(files)
    subject = (
        f"strongroom restore {status}: {counts.restored} of {counts.total} files restored "
        f"({record.project})"
    )[:100]
    body = {
        "restore_id": record.restore_id,
        "project": record.project,
        "status": status,
        "retrieval_tier": record.retrieval_tier,
        "status_url": status_url,
        "counts": counts.model_dump(),
        "files": [file_result(record, file) for file in files],
    }
    return subject, json.dumps(body, separators=(",", ":"))


def file_result(record: RestoreRecord, file: RestoreFile) -> dict[str, object]:
    entry = file.entry
    restored = file.state == "RESTORED"
    return {
        "requested": file.requested,
        "source": f"s3://{entry.source_bucket}/{entry.key}",
        "state": file.state,
        "location": (
            f"s3://{record.restore_bucket}/{restored_key(record.restore_id, entry.key)}"
            if restored
            else None
        ),
        "size": entry.size,
        "sha256": entry.sha256,
        "error": file.error,
    }
