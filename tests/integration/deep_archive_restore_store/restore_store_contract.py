"""The RestoreStore contract: one behavioural body, run against every implementation.

A test module subclasses ``RestoreStoreContract`` and gives a ``store`` fixture whose clock
reads ``MOVED_AT``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from strongroom.deep_archive.adapters.restore_store import (
    NotificationNotClaimed,
    RestoreAlreadyExists,
    RestoreNotFound,
)
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_progress import RestoreStore
from strongroom.deep_archive.domain.restores import Notification, RestoreFile, RestoreRecord

CREATED_AT = datetime(2026, 12, 14, 8, 30, 15, 123_000, tzinfo=UTC)
MOVED_AT = datetime(2026, 12, 14, 9, 0, 0, 456_000, tzinfo=UTC)
ARCHIVE_BUCKET = "finance-archive"
ARCHIVE_X = "finance-archive/202611/archive-000000.zip"
ARCHIVE_Y = "finance-archive/202611/archive-000001.zip"


def catalog_entry(key: str, archive_key: str = ARCHIVE_X, **changes: Any) -> CatalogEntry:
    values: dict[str, Any] = {
        "project": "finance",
        "source_bucket": "finance-reports-src",
        "key": key,
        "etag": '"e1"',
        "version_id": None,
        "last_modified": datetime(2026, 11, 30, 23, 0, tzinfo=UTC),
        "content_type": "text/csv",
        "metadata": {"origin": "quality-check", "owner": "finance"},
        "size": 1_234,
        "archive_bucket": ARCHIVE_BUCKET,
        "archive_key": archive_key,
        "storage_class": "DEEP_ARCHIVE",
        "header_offset": 0,
        "data_offset": 64,
        "compressed_size": 600,
        "method": "deflate",
        "crc32": 3_735_928_559,
        "sha256": "ab" * 32,
        "job_id": "job-1",
        "archived_at": datetime(2026, 12, 10, 3, 30, tzinfo=UTC),
    }
    values.update(changes)
    return CatalogEntry(**values)


def restore_file(index: int, entry: CatalogEntry, **changes: Any) -> RestoreFile:
    values: dict[str, Any] = {
        "index": index,
        "requested": entry.file_name,
        "entry": entry,
        "updated_at": CREATED_AT,
    }
    values.update(changes)
    return RestoreFile(**values)


def restore_record(restore_id: str, file_count: int) -> RestoreRecord:
    return RestoreRecord(
        restore_id=restore_id,
        project="finance",
        retrieval_tier="Standard",
        sns_topic_arn="arn:aws:sns:eu-west-1:123456789012:finance-restores",
        restore_bucket="finance-restored",
        file_count=file_count,
        created_at=CREATED_AT,
    )


def create(store: RestoreStore, restore_id: str, *archives: str) -> list[RestoreFile]:
    """A request with one file in each of ``archives``, in that order."""
    files = [
        restore_file(index, catalog_entry(f"daily/202611/{restore_id}-{index}.csv", archive))
        for index, archive in enumerate(archives)
    ]
    store.create(restore_record(restore_id, len(files)), files)
    return files


def state_of(store: RestoreStore, restore_id: str, index: int) -> RestoreFile:
    found = store.get(restore_id)
    assert found is not None
    return found[1][index]


class RestoreStoreContract:
    def test_a_request_reads_back_as_created_with_its_files_by_index(
        self, store: RestoreStore
    ) -> None:
        files = [
            restore_file(0, catalog_entry("daily/202611/report.csv")),
            restore_file(
                1,
                catalog_entry("daily/202611/raw.bin", content_type=None, metadata={}),
                requested="s3://finance-reports-src/daily/202611/raw.bin",
            ),
            restore_file(
                2,
                catalog_entry(
                    "daily/202611/empty.csv",
                    ARCHIVE_Y,
                    size=0,
                    compressed_size=0,
                    method="store",
                    version_id="v-3",
                ),
            ),
        ]
        record = restore_record("r-1", 3)

        store.create(record, list(reversed(files)))

        assert store.get("r-1") == (record, files)

    def test_sixty_files_are_all_stored(self, store: RestoreStore) -> None:
        files = [restore_file(n, catalog_entry(f"daily/{n:03d}.csv")) for n in range(60)]

        store.create(restore_record("r-60", 60), files)

        found = store.get("r-60")
        assert found is not None
        assert found[1] == files

    def test_an_unknown_request_is_none(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X)

        assert store.get("r-2") is None

    def test_a_taken_id_is_refused_and_the_first_request_kept(self, store: RestoreStore) -> None:
        files = create(store, "r-1", ARCHIVE_X)
        other = [restore_file(0, catalog_entry("daily/other.csv"))]

        with pytest.raises(RestoreAlreadyExists, match="'r-1' already exists"):
            store.create(restore_record("r-1", 1), other)

        assert store.get("r-1") == (restore_record("r-1", 1), files)

    def test_files_must_match_the_requests_count(self, store: RestoreStore) -> None:
        files = [restore_file(0, catalog_entry("daily/a.csv"))]

        with pytest.raises(ValueError, match="counts 2 files but 1 were given"):
            store.create(restore_record("r-1", 2), files)
        assert store.get("r-1") is None

    def test_a_file_moves_only_from_an_expected_state(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X, ARCHIVE_Y)

        assert not store.set_file_state("r-1", 0, "RESTORED", expected=("RESTORING",))
        assert state_of(store, "r-1", 0).state == "PENDING"
        assert state_of(store, "r-1", 0).updated_at == CREATED_AT

        assert store.set_file_state("r-1", 0, "RESTORING", expected=("PENDING",))
        moved = state_of(store, "r-1", 0)
        assert (moved.state, moved.updated_at) == ("RESTORING", MOVED_AT)
        assert not store.set_file_state("r-1", 0, "RESTORING", expected=("PENDING",))
        assert state_of(store, "r-1", 1).state == "PENDING"

    def test_an_unknown_file_or_request_does_not_move(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X)

        assert not store.set_file_state("r-1", 1, "RESTORING", expected=("PENDING",))
        assert not store.set_file_state("r-2", 0, "RESTORING", expected=("PENDING",))
        assert store.get("r-2") is None
        found = store.get("r-1")
        assert found is not None
        assert len(found[1]) == 1

    def test_an_error_is_kept_until_a_move_without_one(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X, ARCHIVE_X)

        store.set_file_state(
            "r-1", 0, "RESTORING", expected=("PENDING",), error="archive read timed out"
        )
        assert state_of(store, "r-1", 0).error == "archive read timed out"
        store.set_file_state("r-1", 0, "RESTORED", expected=("RESTORING",))
        assert state_of(store, "r-1", 0).error is None

        store.set_file_state(
            "r-1", 1, "FAILED", expected=("PENDING", "RESTORING"), error="CRC mismatch"
        )
        failed = state_of(store, "r-1", 1)
        assert (failed.state, failed.error) == ("FAILED", "CRC mismatch")

    def test_a_final_file_never_moves_back(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X)
        store.set_file_state("r-1", 0, "FAILED", expected=("PENDING",), error="gone")

        with pytest.raises(ValueError, match="never moves back to PENDING"):
            store.set_file_state("r-1", 0, "PENDING", expected=("FAILED",))
        with pytest.raises(ValueError, match="expected is empty"):
            store.set_file_state("r-1", 0, "RESTORED", expected=())
        assert state_of(store, "r-1", 0).state == "FAILED"

    def test_a_request_waits_on_an_archive_until_its_files_there_are_final(
        self, store: RestoreStore
    ) -> None:
        create(store, "r-1", ARCHIVE_X, ARCHIVE_X, ARCHIVE_Y)
        create(store, "r-2", ARCHIVE_X)

        assert sorted(store.waiting_on(ARCHIVE_BUCKET, ARCHIVE_X)) == ["r-1", "r-2"]
        assert store.waiting_on(ARCHIVE_BUCKET, ARCHIVE_Y) == ["r-1"]
        assert store.waiting_on("other-bucket", ARCHIVE_X) == []

        store.set_file_state("r-2", 0, "RESTORING", expected=("PENDING",))
        assert sorted(store.waiting_on(ARCHIVE_BUCKET, ARCHIVE_X)) == ["r-1", "r-2"]
        store.set_file_state("r-2", 0, "RESTORED", expected=("RESTORING",))
        store.set_file_state("r-1", 0, "FAILED", expected=("PENDING",), error="gone")
        assert store.waiting_on(ARCHIVE_BUCKET, ARCHIVE_X) == ["r-1"]

        store.set_file_state("r-1", 1, "RESTORED", expected=("PENDING",))
        assert store.waiting_on(ARCHIVE_BUCKET, ARCHIVE_X) == []
        assert store.waiting_on(ARCHIVE_BUCKET, ARCHIVE_Y) == ["r-1"]

    def test_a_request_is_open_until_its_notification_is_recorded(
        self, store: RestoreStore
    ) -> None:
        create(store, "r-1", ARCHIVE_X)
        create(store, "r-2", ARCHIVE_Y)
        assert sorted(store.open_restore_ids()) == ["r-1", "r-2"]

        assert store.claim_notification("r-1", MOVED_AT, MOVED_AT - timedelta(minutes=15))
        assert sorted(store.open_restore_ids()) == ["r-1", "r-2"]

        store.record_notification("r-1", "msg-1", MOVED_AT + timedelta(seconds=1))
        assert store.open_restore_ids() == ["r-2"]

    def test_only_one_caller_claims_the_notification(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X)
        stale_before = MOVED_AT - timedelta(minutes=15)

        assert store.claim_notification("r-1", MOVED_AT, stale_before)
        assert not store.claim_notification("r-1", MOVED_AT + timedelta(minutes=1), stale_before)

        found = store.get("r-1")
        assert found is not None
        assert found[0].notification == Notification(state="SENDING", claimed_at=MOVED_AT)

    def test_a_stale_claim_is_taken_over_but_a_sent_one_never(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X)
        later = MOVED_AT + timedelta(minutes=20)
        store.claim_notification("r-1", MOVED_AT, MOVED_AT - timedelta(minutes=15))

        # Stale means claimed strictly before: a claim made at the cut-off still holds.
        assert not store.claim_notification("r-1", later, MOVED_AT)
        assert store.claim_notification("r-1", later, later - timedelta(minutes=15))
        sent_at = later + timedelta(seconds=2)
        store.record_notification("r-1", "msg-1", sent_at)

        far_future = later + timedelta(days=30)
        assert not store.claim_notification("r-1", far_future, far_future)
        found = store.get("r-1")
        assert found is not None
        assert found[0].notification == Notification(
            state="SENT", claimed_at=later, message_id="msg-1", sent_at=sent_at
        )

    def test_recording_again_keeps_the_first_record(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X)
        store.claim_notification("r-1", MOVED_AT, MOVED_AT)
        store.record_notification("r-1", "msg-1", MOVED_AT)

        store.record_notification("r-1", "msg-2", MOVED_AT + timedelta(hours=1))

        found = store.get("r-1")
        assert found is not None
        assert found[0].notification is not None
        assert (found[0].notification.message_id, found[0].notification.sent_at) == (
            "msg-1",
            MOVED_AT,
        )

    def test_a_notification_is_recorded_only_after_a_claim(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X)

        with pytest.raises(NotificationNotClaimed):
            store.record_notification("r-1", "msg-1", MOVED_AT)
        with pytest.raises(RestoreNotFound):
            store.record_notification("r-2", "msg-1", MOVED_AT)
        assert not store.claim_notification("r-2", MOVED_AT, MOVED_AT)
        assert store.open_restore_ids() == ["r-1"]

    def test_one_run_at_a_time_may_extract_a_file_until_its_claim_expires(
        self, store: RestoreStore
    ) -> None:
        create(store, "r-1", ARCHIVE_X, ARCHIVE_X)
        until = MOVED_AT + timedelta(minutes=15)

        first = store.claim_extraction("r-1", 0, MOVED_AT, until)
        second = store.claim_extraction("r-1", 0, MOVED_AT + timedelta(minutes=1), until)
        other_file = store.claim_extraction("r-1", 1, MOVED_AT, until)
        after_expiry = store.claim_extraction(
            "r-1", 0, until + timedelta(seconds=1), until + timedelta(minutes=15)
        )

        assert (first, second, other_file, after_expiry) == (True, False, True, True)
        assert state_of(store, "r-1", 0).extracting_until == until + timedelta(minutes=15)

    def test_a_final_file_cannot_be_claimed_and_loses_its_claim(self, store: RestoreStore) -> None:
        create(store, "r-1", ARCHIVE_X)
        store.claim_extraction("r-1", 0, MOVED_AT, MOVED_AT + timedelta(minutes=15))

        store.set_file_state("r-1", 0, "RESTORED", expected=("PENDING",))

        assert state_of(store, "r-1", 0).extracting_until is None
        later = MOVED_AT + timedelta(hours=1)
        assert not store.claim_extraction("r-1", 0, later, later + timedelta(minutes=15))
        assert not store.claim_extraction("r-9", 0, later, later + timedelta(minutes=15))
