"""Restore requests and their files: the Restores table.

Hash ``restore_id``, range ``item``: ``"REQUEST"`` for the RestoreRecord, ``"FILE#000042"`` for
file 42. Two sparse KEYS_ONLY indexes find the work still to do without a scan of everything:
the REQUEST item carries ``open_request`` until its notification is recorded (``openRequests``),
and a file carries ``waiting_archive`` = ``"<archive bucket>/<archive key>"`` until it is final
(``byArchive``), so an archive's restore-completed event finds the requests waiting on it.
Every change is a conditional write from the state it was read in, so reruns and concurrent
runs neither move a file twice nor notify twice.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from pydantic import Field

from strongroom.core import aws
from strongroom.core.backoff import Backoff
from strongroom.core.settings import TABLE_NAME_PATTERN, EnvironmentSettings
from strongroom.core.timefmt import utc_now
from strongroom.deep_archive.adapters.catalog_store import WRITE_BATCH, chunks, put_batch
from strongroom.deep_archive.adapters.item_codec import Item, attribute, from_item, one_of, to_item
from strongroom.deep_archive.domain.restores import (
    FINAL_FILE_STATES,
    FileState,
    RestoreFile,
    RestoreRecord,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REQUEST_ITEM = "REQUEST"
FILE_ITEM_PREFIX = "FILE#"
OPEN_REQUESTS_INDEX = "openRequests"
BY_ARCHIVE_INDEX = "byArchive"
MAX_FILE_INDEX = 999_999
_KEY_ATTRIBUTES = ("restore_id", "item", "open_request", "waiting_archive")


class RestoreAlreadyExists(Exception):
    def __init__(self, restore_id: str) -> None:
        super().__init__(f"restore request {restore_id!r} already exists")
        self.restore_id = restore_id


class RestoreNotFound(LookupError):
    def __init__(self, restore_id: str) -> None:
        super().__init__(f"no restore request {restore_id!r}")
        self.restore_id = restore_id


class NotificationNotClaimed(Exception):
    """A notification recorded without a claim: the caller skipped ``claim_notification``."""

    def __init__(self, restore_id: str) -> None:
        super().__init__(
            f"restore request {restore_id!r}: record_notification before claim_notification"
        )
        self.restore_id = restore_id


class RestoresTableSettings(EnvironmentSettings):
    table_name: str = Field(alias="RESTORES_TABLE_NAME", pattern=TABLE_NAME_PATTERN)


def file_item_key(index: int) -> str:
    """``FILE#000042``: zero-padded so a request's files sort by index."""
    if not 0 <= index <= MAX_FILE_INDEX:
        raise ValueError(f"file index {index} is outside 0..{MAX_FILE_INDEX}")
    return f"{FILE_ITEM_PREFIX}{index:06d}"


def archive_address(archive_bucket: str, archive_key: str) -> str:
    return f"{archive_bucket}/{archive_key}"


def request_item(record: RestoreRecord) -> Item:
    extra: dict[str, Any] = {"item": REQUEST_ITEM}
    if record.notification is None or record.notification.state != "SENT":
        extra["open_request"] = record.restore_id
    item = to_item(record, **extra)
    if record.notification is None:
        # Absent rather than NULL: the claim's condition is attribute_not_exists(notification).
        del item["notification"]
    return item


def record_from_item(item: Mapping[str, Any]) -> RestoreRecord:
    values = from_item(item)
    for name in ("item", "open_request"):
        values.pop(name, None)
    return RestoreRecord.model_validate(values)


def file_item(restore_id: str, file: RestoreFile) -> Item:
    extra: dict[str, Any] = {"restore_id": restore_id, "item": file_item_key(file.index)}
    if not file.final:
        extra["waiting_archive"] = archive_address(*file.archive)
    item = to_item(file, **extra)
    for optional in ("error", "extracting_until"):
        if getattr(file, optional) is None:
            del item[optional]  # as the updates leave them: removed, not NULL
    return item


def file_from_item(item: Mapping[str, Any]) -> RestoreFile:
    values = from_item(item)
    for name in _KEY_ATTRIBUTES:
        values.pop(name, None)
    return RestoreFile.model_validate(values)


def request_with_files(
    items: Iterable[Mapping[str, Any]],
) -> tuple[RestoreRecord, list[RestoreFile]] | None:
    """A request's items as its record and its files by index; None without the record."""
    record: RestoreRecord | None = None
    files: list[RestoreFile] = []
    for item in items:
        name = item["item"].get("S", "")
        if name == REQUEST_ITEM:
            record = record_from_item(item)
        elif name.startswith(FILE_ITEM_PREFIX):
            files.append(file_from_item(item))
    if record is None:
        return None
    return record, sorted(files, key=lambda file: file.index)


def checked_files(record: RestoreRecord, files: Sequence[RestoreFile]) -> None:
    """Refuse a request whose files do not match its ``file_count`` or repeat an index."""
    indexes = {file.index for file in files}
    if len(indexes) != len(files):
        raise ValueError(f"restore request {record.restore_id!r}: file indexes repeat")
    if len(files) != record.file_count:
        raise ValueError(
            f"restore request {record.restore_id!r} counts {record.file_count} files "
            f"but {len(files)} were given"
        )
    for index in indexes:
        file_item_key(index)


def checked_move(state: FileState, expected: Collection[FileState]) -> list[FileState]:
    """``expected`` in a stable order, if the move keeps the ``byArchive`` index right.

    A final file has left the index and its archive may be gone: it never becomes open again.
    """
    allowed = sorted(set(expected))
    if not allowed:
        raise ValueError("expected is empty: no file could ever move")
    if state not in FINAL_FILE_STATES and FINAL_FILE_STATES.intersection(allowed):
        raise ValueError(f"a final file never moves back to {state}")
    return allowed


def distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


class DynamoDBRestoreStore:
    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        backoff: Backoff | None = None,
    ) -> None:
        self._table_name = table_name
        self._client: DynamoDBClient = client or aws.client("dynamodb")
        self._clock = clock
        self._backoff = backoff or Backoff()

    @classmethod
    def from_environment(cls) -> Self:
        return cls(RestoresTableSettings.from_environment().table_name)

    def create(self, record: RestoreRecord, files: Sequence[RestoreFile]) -> None:
        checked_files(record, files)
        # Checked first so a repeated id never overwrites the files of the request holding it;
        # the conditional put below still decides between two creates racing each other.
        if self._request_item(record.restore_id) is not None:
            raise RestoreAlreadyExists(record.restore_id)
        items = [file_item(record.restore_id, file) for file in files]
        for chunk in chunks(items, WRITE_BATCH):
            self._write_chunk(chunk)
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item=request_item(record),
                ConditionExpression="attribute_not_exists(restore_id)",
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise RestoreAlreadyExists(record.restore_id) from None

    def get(self, restore_id: str) -> tuple[RestoreRecord, list[RestoreFile]] | None:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            KeyConditionExpression="restore_id = :restore_id",
            ExpressionAttributeValues={":restore_id": attribute(restore_id)},
            ConsistentRead=True,
        )
        return request_with_files(item for page in pages for item in page["Items"])

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
        choices, values = one_of(allowed)
        values |= {":state": attribute(state), ":now": attribute(self._clock())}
        assignments = ["#state = :state", "updated_at = :now"]
        removals = []
        if error is None:
            removals.append("#error")
        else:
            assignments.append("#error = :error")
            values[":error"] = attribute(error)
        if state in FINAL_FILE_STATES:
            removals.extend(["waiting_archive", "extracting_until"])
        update = "SET " + ", ".join(assignments)
        if removals:
            update += " REMOVE " + ", ".join(removals)
        return self._updated(
            restore_id,
            file_item_key(index),
            UpdateExpression=update,
            ConditionExpression=f"attribute_exists(restore_id) AND #state IN {choices}",
            ExpressionAttributeNames={"#state": "state", "#error": "error"},
            ExpressionAttributeValues=values,
        )

    def claim_extraction(self, restore_id: str, index: int, now: datetime, until: datetime) -> bool:
        return self._updated(
            restore_id,
            file_item_key(index),
            UpdateExpression="SET extracting_until = :until",
            ConditionExpression=(
                "#state IN (:pending, :restoring) AND "
                "(attribute_not_exists(extracting_until) OR extracting_until < :now)"
            ),
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={
                ":until": attribute(until),
                ":now": attribute(now),
                ":pending": attribute("PENDING"),
                ":restoring": attribute("RESTORING"),
            },
        )

    def waiting_on(self, archive_bucket: str, archive_key: str) -> list[str]:
        # A GSI read is eventually consistent: a file finalised a moment ago may still be listed.
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            IndexName=BY_ARCHIVE_INDEX,
            KeyConditionExpression="waiting_archive = :archive",
            ExpressionAttributeValues={
                ":archive": attribute(archive_address(archive_bucket, archive_key))
            },
        )
        return distinct(item["restore_id"]["S"] for page in pages for item in page["Items"])

    def open_restore_ids(self) -> list[str]:
        pages = self._client.get_paginator("scan").paginate(
            TableName=self._table_name, IndexName=OPEN_REQUESTS_INDEX
        )
        return distinct(item["open_request"]["S"] for page in pages for item in page["Items"])

    def claim_notification(self, restore_id: str, now: datetime, stale_before: datetime) -> bool:
        """False also when the request does not exist: there is nothing to notify."""
        return self._updated(
            restore_id,
            REQUEST_ITEM,
            UpdateExpression="SET notification = :claim",
            ConditionExpression=(
                "attribute_exists(restore_id) AND (attribute_not_exists(notification) OR "
                "(notification.#state = :sending AND notification.claimed_at < :stale))"
            ),
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={
                ":claim": attribute({"state": "SENDING", "claimed_at": now}),
                ":sending": attribute("SENDING"),
                ":stale": attribute(stale_before),
            },
        )

    def record_notification(self, restore_id: str, message_id: str, sent_at: datetime) -> None:
        """Recording twice keeps the first record (a second publisher lost a stale claim)."""
        try:
            self._client.update_item(
                TableName=self._table_name,
                Key=self._key(restore_id, REQUEST_ITEM),
                UpdateExpression=(
                    "SET notification.#state = :sent, notification.message_id = :message_id, "
                    "notification.sent_at = :sent_at REMOVE open_request"
                ),
                ConditionExpression="notification.#state = :sending",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":sent": attribute("SENT"),
                    ":sending": attribute("SENDING"),
                    ":message_id": attribute(message_id),
                    ":sent_at": attribute(sent_at),
                },
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            item = self._request_item(restore_id)
            already_recorded(restore_id, None if item is None else record_from_item(item))

    def _request_item(self, restore_id: str) -> Mapping[str, Any] | None:
        return self._client.get_item(
            TableName=self._table_name,
            Key=self._key(restore_id, REQUEST_ITEM),
            ConsistentRead=True,
        ).get("Item")

    def _updated(self, restore_id: str, item: str, **arguments: Any) -> bool:
        """One conditional UpdateItem; False if its condition did not hold."""
        try:
            self._client.update_item(
                TableName=self._table_name, Key=self._key(restore_id, item), **arguments
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _key(self, restore_id: str, item: str) -> Item:
        return {"restore_id": attribute(restore_id), "item": attribute(item)}

    def _write_chunk(self, items: Sequence[Item]) -> None:
        put_batch(self._client, self._table_name, items, self._backoff)


def already_recorded(restore_id: str, record: RestoreRecord | None) -> None:
    """Return if the notification was recorded before; else raise why it cannot be."""
    if record is None:
        raise RestoreNotFound(restore_id)
    if record.notification is None:
        raise NotificationNotClaimed(restore_id)
