"""The per-file catalog: one item per archived version of a source object, for archives written
before decision 0013 (the packer now writes Parquet manifests and archive records instead). It
stays readable: restores and the unchanged-file skip fall back to it for jobs with no record.

Hash ``pk`` = ``{project}#{source_bucket}#{key}``, range ``sk`` = the source ETag, so writing
the same entry twice (a retried packer) changes nothing. The ``byFileName`` index (hash
``file_name_key`` = ``{project}#{bare file name}``) answers the seed's restore request, which
names a file without its folder; files of the same name in different folders are all listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from pydantic import Field

from strongroom.core import aws
from strongroom.core.backoff import Backoff
from strongroom.core.settings import TABLE_NAME_PATTERN, EnvironmentSettings
from strongroom.deep_archive.adapters.item_codec import Item, attribute, from_item, to_item
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_lookup import CatalogLookup

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BY_FILE_NAME_INDEX = "byFileName"
WRITE_BATCH = 25  # BatchWriteItem's limit
READ_BATCH = 100  # BatchGetItem's limit
_INDEX_ATTRIBUTES = ("pk", "sk", "file_name_key")

T = TypeVar("T")


class CatalogStore(CatalogLookup, Protocol):
    """The per-file items: planning reads ``archived_etags`` for unmigrated jobs; restores need
    only the lookups."""

    def put_entries(self, entries: Iterable[CatalogEntry]) -> int:
        """Write every entry (idempotent: an entry's key is its object and ETag); the count.
        The packer no longer calls it: it writes a catalog as the code before did (tests)."""
        ...

    def archived_etags(
        self, project: str, bucket: str, objects: Mapping[str, str]
    ) -> dict[str, str]:
        """Of ``objects`` (key -> current ETag), those already archived with that ETag."""
        ...


class UnprocessedItemsError(RuntimeError):
    """DynamoDB kept refusing part of a batch (throttling) after every retry."""

    def __init__(self, operation: str, remaining: int, attempts: int) -> None:
        super().__init__(
            f"{operation}: {remaining} item(s) still unprocessed after {attempts} tries"
        )
        self.remaining = remaining


class CatalogTableSettings(EnvironmentSettings):
    table_name: str = Field(alias="CATALOG_TABLE_NAME", pattern=TABLE_NAME_PATTERN)


def object_pk(project: str, bucket: str, key: str) -> str:
    return f"{project}#{bucket}#{key}"


def file_name_key(project: str, file_name: str) -> str:
    return f"{project}#{file_name}"


def catalog_item(entry: CatalogEntry) -> Item:
    return to_item(
        entry,
        pk=object_pk(entry.project, entry.source_bucket, entry.key),
        sk=entry.etag,
        file_name_key=file_name_key(entry.project, entry.file_name),
    )


def entry_from_item(item: Mapping[str, Any]) -> CatalogEntry:
    values = from_item(item)
    for name in _INDEX_ATTRIBUTES:
        values.pop(name, None)
    return CatalogEntry.model_validate(values)


def newest(entries: Iterable[CatalogEntry]) -> CatalogEntry | None:
    return max(entries, key=lambda entry: (entry.last_modified, entry.archived_at), default=None)


def by_key_then_age(entries: Iterable[CatalogEntry]) -> list[CatalogEntry]:
    return sorted(entries, key=lambda entry: (entry.key, entry.last_modified, entry.etag))


def chunks(values: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def put_batch(client: Any, table_name: str, items: Sequence[Item], backoff: Backoff) -> None:
    """One BatchWriteItem of up to 25 puts, resending what DynamoDB left unprocessed."""
    requests: list[Any] = [{"PutRequest": {"Item": item}} for item in items]
    for attempt in range(1, backoff.max_attempts + 1):
        response = client.batch_write_item(RequestItems={table_name: requests})
        requests = list(response.get("UnprocessedItems", {}).get(table_name, []))
        if not requests:
            return
        if attempt < backoff.max_attempts:
            backoff.pause(attempt)
    raise UnprocessedItemsError("BatchWriteItem", len(requests), backoff.max_attempts)


class DynamoDBCatalogStore:
    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient | None = None,
        *,
        backoff: Backoff | None = None,
    ) -> None:
        self._table_name = table_name
        self._client: DynamoDBClient = client or aws.client("dynamodb")
        self._backoff = backoff or Backoff()

    @classmethod
    def from_environment(cls) -> Self:
        return cls(CatalogTableSettings.from_environment().table_name)

    def put_entries(self, entries: Iterable[CatalogEntry]) -> int:
        # BatchWriteItem refuses a batch naming one key twice; the last entry of a key wins.
        items: dict[tuple[str, str], Item] = {}
        for entry in entries:
            items[(object_pk(entry.project, entry.source_bucket, entry.key), entry.etag)] = (
                catalog_item(entry)
            )
        for chunk in chunks(list(items.values()), WRITE_BATCH):
            self._write_chunk(chunk)
        return len(items)

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": attribute(object_pk(project, bucket, key))},
            ConsistentRead=True,
        )
        return newest(entry_from_item(item) for page in pages for item in page["Items"])

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            IndexName=BY_FILE_NAME_INDEX,
            KeyConditionExpression="file_name_key = :name",
            ExpressionAttributeValues={":name": attribute(file_name_key(project, file_name))},
        )
        return by_key_then_age(entry_from_item(item) for page in pages for item in page["Items"])

    def archived_etags(
        self, project: str, bucket: str, objects: Mapping[str, str]
    ) -> dict[str, str]:
        keys = [
            {"pk": attribute(object_pk(project, bucket, key)), "sk": attribute(etag)}
            for key, etag in objects.items()
        ]
        archived: dict[str, str] = {}
        for chunk in chunks(keys, READ_BATCH):
            for item in self._read_chunk(chunk):
                values = from_item(item)
                archived[values["key"]] = values["sk"]
        return archived

    def _write_chunk(self, items: Sequence[Item]) -> None:
        put_batch(self._client, self._table_name, items, self._backoff)

    def _read_chunk(self, keys: Sequence[Item]) -> list[Mapping[str, Any]]:
        request: Any = {
            "Keys": list(keys),
            "ProjectionExpression": "#key, sk",
            "ExpressionAttributeNames": {"#key": "key"},
        }
        found: list[Mapping[str, Any]] = []
        for attempt in range(1, self._backoff.max_attempts + 1):
            response = self._client.batch_get_item(RequestItems={self._table_name: request})
            found.extend(response.get("Responses", {}).get(self._table_name, []))
            unprocessed = response.get("UnprocessedKeys", {}).get(self._table_name)
            if not unprocessed or not unprocessed.get("Keys"):
                return found
            request = unprocessed
            if attempt < self._backoff.max_attempts:
                self._backoff.pause(attempt)
        raise UnprocessedItemsError(
            "BatchGetItem", len(request.get("Keys", [])), self._backoff.max_attempts
        )
