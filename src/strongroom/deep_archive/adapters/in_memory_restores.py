"""An in-memory RestoreStore with the Restores table's semantics, for unit tests and demos.

It keeps the very items DynamoDBRestoreStore writes (same item functions, so the same
millisecond timestamps and the same sparse index attributes) and applies each conditional
write's rule under one lock, as DynamoDB applies it to one item.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from strongroom.core.timefmt import iso_millis, utc_now
from strongroom.deep_archive.adapters.item_codec import Item
from strongroom.deep_archive.adapters.restore_store import (
    REQUEST_ITEM,
    RestoreAlreadyExists,
    already_recorded,
    archive_address,
    checked_files,
    checked_move,
    distinct,
    file_from_item,
    file_item,
    file_item_key,
    record_from_item,
    request_item,
    request_with_files,
)
from strongroom.deep_archive.domain.restores import (
    FINAL_FILE_STATES,
    FileState,
    Notification,
    RestoreFile,
    RestoreRecord,
)


class InMemoryRestoreStore:
    def __init__(self, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], Item] = {}

    def create(self, record: RestoreRecord, files: Sequence[RestoreFile]) -> None:
        checked_files(record, files)
        with self._lock:
            if (record.restore_id, REQUEST_ITEM) in self._items:
                raise RestoreAlreadyExists(record.restore_id)
            for file in files:
                self._items[(record.restore_id, file_item_key(file.index))] = file_item(
                    record.restore_id, file
                )
            self._items[(record.restore_id, REQUEST_ITEM)] = request_item(record)

    def get(self, restore_id: str) -> tuple[RestoreRecord, list[RestoreFile]] | None:
        with self._lock:
            items = [item for (owner, _), item in self._items.items() if owner == restore_id]
        return request_with_files(items)

    def set_file_state(
        self,
        restore_id: str,
        index: int,
        state: FileState,
        *,
        expected: Collection[FileState],
        error: str | None = None,
    ) -> bool:
        allowed = checked_move(state, expected)

        def moved(file: RestoreFile) -> RestoreFile | None:
            if file.state not in allowed:
                return None
            changes: dict[str, object] = {
                "state": state,
                "error": error,
                "updated_at": self._clock(),
            }
            if state in FINAL_FILE_STATES:
                changes["extracting_until"] = None
            return file.model_copy(update=changes)

        return self._change_file(restore_id, index, moved)

    def claim_extraction(self, restore_id: str, index: int, now: datetime, until: datetime) -> bool:
        def claimed(file: RestoreFile) -> RestoreFile | None:
            held = file.extracting_until is not None and file.extracting_until >= now
            if file.final or held:
                return None
            return file.model_copy(update={"extracting_until": until})

        return self._change_file(restore_id, index, claimed)

    def waiting_on(self, archive_bucket: str, archive_key: str) -> list[str]:
        wanted = archive_address(archive_bucket, archive_key)
        with self._lock:
            return distinct(
                owner
                for (owner, _), item in self._items.items()
                if item.get("waiting_archive", {}).get("S") == wanted
            )

    def open_restore_ids(self) -> list[str]:
        with self._lock:
            return distinct(
                str(item["open_request"]["S"])
                for item in self._items.values()
                if "open_request" in item
            )

    def claim_notification(self, restore_id: str, now: datetime, stale_before: datetime) -> bool:
        with self._lock:
            item = self._items.get((restore_id, REQUEST_ITEM))
            if item is None:
                return False
            record = record_from_item(item)
            claimed = record.notification
            # Compared as the table compares them: stored millisecond ISO strings.
            if claimed is not None and not (
                claimed.state == "SENDING"
                and iso_millis(claimed.claimed_at) < iso_millis(stale_before)
            ):
                return False
            claim = Notification(state="SENDING", claimed_at=now)
            self._items[(restore_id, REQUEST_ITEM)] = request_item(
                record.model_copy(update={"notification": claim})
            )
            return True

    def record_notification(self, restore_id: str, message_id: str, sent_at: datetime) -> None:
        with self._lock:
            item = self._items.get((restore_id, REQUEST_ITEM))
            record = None if item is None else record_from_item(item)
            claimed = None if record is None else record.notification
            if record is None or claimed is None or claimed.state != "SENDING":
                already_recorded(restore_id, record)
                return
            sent = claimed.model_copy(
                update={"state": "SENT", "message_id": message_id, "sent_at": sent_at}
            )
            self._items[(restore_id, REQUEST_ITEM)] = request_item(
                record.model_copy(update={"notification": sent})
            )

    def _change_file(
        self, restore_id: str, index: int, change: Callable[[RestoreFile], RestoreFile | None]
    ) -> bool:
        """Store ``change(file)`` in one step unless it is None; False if not stored."""
        address = (restore_id, file_item_key(index))
        with self._lock:
            item = self._items.get(address)
            changed = None if item is None else change(file_from_item(item))
            if changed is None:
                return False
            self._items[address] = file_item(restore_id, changed)
            return True
