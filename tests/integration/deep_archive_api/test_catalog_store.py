"""The CatalogStore contract, against the Catalog table in moto and the in-memory fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from strongroom.deep_archive.adapters.catalog_store import (
    Backoff,
    CatalogStore,
    DynamoDBCatalogStore,
    UnprocessedItemsError,
)
from strongroom.deep_archive.adapters.in_memory_catalog import InMemoryCatalogStore
from strongroom.deep_archive.domain.catalog import CatalogEntry
from tests.integration.deep_archive_api.tables import DeepArchiveTables

pytestmark = pytest.mark.integration

MODIFIED = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
ARCHIVED = datetime(2026, 12, 10, 3, 30, tzinfo=UTC)


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest) -> CatalogStore:
    if request.param == "memory":
        return InMemoryCatalogStore()
    tables: DeepArchiveTables = request.getfixturevalue("tables")
    return DynamoDBCatalogStore(tables.catalog, request.getfixturevalue("dynamodb"))


def entry(key: str, etag: str = '"e1"', **changes: Any) -> CatalogEntry:
    values: dict[str, Any] = {
        "project": "finance",
        "source_bucket": "finance-reports-src",
        "key": key,
        "etag": etag,
        "last_modified": MODIFIED,
        "content_type": "text/csv",
        "metadata": {"origin": "quality-check"},
        "size": 1_234,
        "archive_bucket": "finance-archive",
        "archive_key": "finance-archive/202611/archive-000000.zip",
        "storage_class": "DEEP_ARCHIVE",
        "header_offset": 0,
        "data_offset": 64,
        "compressed_size": 600,
        "method": "deflate",
        "crc32": 3_735_928_559,
        "sha256": "ab" * 32,
        "job_id": "job-1",
        "archived_at": ARCHIVED,
    }
    values.update(changes)
    return CatalogEntry(**values)


def test_sixty_entries_are_written_in_batches_and_each_reads_back(store: CatalogStore) -> None:
    entries = [entry(f"daily/202611/{n:03d}.csv", header_offset=n * 700) for n in range(60)]

    assert store.put_entries(entries) == 60

    for written in entries:
        assert store.get_latest("finance", "finance-reports-src", written.key) == written


def test_writing_the_same_entries_again_changes_nothing(store: CatalogStore) -> None:
    entries = [entry(f"daily/202611/{n:03d}.csv") for n in range(30)]
    store.put_entries(entries)

    store.put_entries([*entries, entries[0]])

    assert store.find_by_file_name("finance", "000.csv") == [entries[0]]


def test_files_of_the_same_name_in_two_folders_are_both_found(store: CatalogStore) -> None:
    store.put_entries(
        [
            entry("daily/20261101/report.csv", etag='"a"'),
            entry("daily/20261102/report.csv", etag='"b"'),
            entry("daily/20261102/summary.csv", etag='"c"'),
            entry("daily/20261101/report.csv", etag='"x"', project="payroll"),
        ]
    )

    found = store.find_by_file_name("finance", "report.csv")

    assert [(e.key, e.etag) for e in found] == [
        ("daily/20261101/report.csv", '"a"'),
        ("daily/20261102/report.csv", '"b"'),
    ]
    assert store.find_by_file_name("finance", "missing.csv") == []


def test_a_file_at_the_bucket_root_is_found_by_its_name(store: CatalogStore) -> None:
    store.put_entries([entry("readme.txt")])

    assert [e.key for e in store.find_by_file_name("finance", "readme.txt")] == ["readme.txt"]


def test_the_latest_version_of_an_object(store: CatalogStore) -> None:
    key = "daily/202611/report.csv"
    older = entry(key, etag='"v1"')
    newer = entry(key, etag='"v2"', last_modified=MODIFIED + timedelta(days=3))
    store.put_entries([newer, older])

    assert store.get_latest("finance", "finance-reports-src", key) == newer
    assert store.get_latest("finance", "other-bucket", key) is None
    assert len(store.find_by_file_name("finance", "report.csv")) == 2


def test_archived_etags_names_only_objects_archived_unchanged(store: CatalogStore) -> None:
    store.put_entries([entry(f"daily/202611/{n:03d}.csv", etag=f'"{n}"') for n in range(150)])
    listing = {f"daily/202611/{n:03d}.csv": f'"{n}"' for n in range(150)}
    listing["daily/202611/007.csv"] = '"changed"'
    listing["daily/202611/new.csv"] = '"new"'

    archived = store.archived_etags("finance", "finance-reports-src", listing)

    assert len(archived) == 149
    assert "daily/202611/007.csv" not in archived
    assert "daily/202611/new.csv" not in archived
    assert archived["daily/202611/149.csv"] == '"149"'
    assert store.archived_etags("payroll", "finance-reports-src", listing) == {}
    assert store.archived_etags("finance", "finance-reports-src", {}) == {}


class Throttling:
    """Passes calls to DynamoDB, but leaves some items of the first batches unprocessed."""

    def __init__(self, client: Any, table: str, refusals: int) -> None:
        self._client = client
        self._table = table
        self.refusals = refusals
        self.exceptions = client.exceptions
        self.get_paginator = client.get_paginator
        self.calls = 0
        self.batch_sizes: list[int] = []

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        requests = RequestItems[self._table]
        self.batch_sizes.append(len(requests))
        if self.refusals > 0 and len(requests) > 1:
            self.refusals -= 1
            self._client.batch_write_item(RequestItems={self._table: requests[:1]})
            return {"UnprocessedItems": {self._table: requests[1:]}}
        return dict(self._client.batch_write_item(RequestItems=RequestItems))

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        request = RequestItems[self._table]
        self.batch_sizes.append(len(request["Keys"]))
        if self.refusals > 0 and len(request["Keys"]) > 1:
            self.refusals -= 1
            first = {**request, "Keys": request["Keys"][:1]}
            response = self._client.batch_get_item(RequestItems={self._table: first})
            return {
                "Responses": response["Responses"],
                "UnprocessedKeys": {self._table: {**request, "Keys": request["Keys"][1:]}},
            }
        return dict(self._client.batch_get_item(RequestItems=RequestItems))


def test_batches_stay_within_dynamodbs_limits(dynamodb: Any, tables: DeepArchiveTables) -> None:
    # moto accepts a BatchWriteItem of more than 25 items; DynamoDB does not.
    counting = Throttling(dynamodb, tables.catalog, refusals=0)
    store = DynamoDBCatalogStore(tables.catalog, counting)  # type: ignore[arg-type]
    entries = [entry(f"daily/202611/{n:03d}.csv") for n in range(260)]

    store.put_entries(entries)
    assert counting.batch_sizes == [25] * 10 + [10]
    counting.batch_sizes.clear()
    store.archived_etags("finance", "finance-reports-src", {e.key: e.etag for e in entries})
    assert counting.batch_sizes == [100, 100, 60]


def test_unprocessed_items_are_retried_after_a_pause(
    dynamodb: Any, tables: DeepArchiveTables
) -> None:
    throttling = Throttling(dynamodb, tables.catalog, refusals=3)
    pauses: list[float] = []
    backoff = Backoff(sleep=pauses.append, jitter=lambda _low, high: high)
    store = DynamoDBCatalogStore(tables.catalog, throttling, backoff=backoff)  # type: ignore[arg-type]
    entries = [entry(f"daily/202611/{n:03d}.csv") for n in range(30)]

    store.put_entries(entries)

    assert pauses == [0.05, 0.1, 0.2]
    throttling.refusals = 2
    listing = {e.key: e.etag for e in entries}
    assert store.archived_etags("finance", "finance-reports-src", listing) == listing


def test_items_still_unprocessed_after_every_retry_are_an_error(
    dynamodb: Any, tables: DeepArchiveTables
) -> None:
    throttling = Throttling(dynamodb, tables.catalog, refusals=1_000)
    backoff = Backoff(max_attempts=3, sleep=lambda _: None)
    store = DynamoDBCatalogStore(tables.catalog, throttling, backoff=backoff)  # type: ignore[arg-type]

    with pytest.raises(UnprocessedItemsError, match="still unprocessed after 3 tries"):
        store.put_entries([entry(f"daily/202611/{n:03d}.csv") for n in range(5)])
    assert throttling.calls == 3


def test_an_entry_item_has_the_index_keys(dynamodb: Any, tables: DeepArchiveTables) -> None:
    DynamoDBCatalogStore(tables.catalog, dynamodb).put_entries([entry("daily/202611/a.csv")])

    (item,) = dynamodb.scan(TableName=tables.catalog)["Items"]
    assert item["pk"] == {"S": "finance#finance-reports-src#daily/202611/a.csv"}
    assert item["sk"] == {"S": '"e1"'}
    assert item["file_name_key"] == {"S": "finance#a.csv"}
    assert item["crc32"] == {"N": "3735928559"}
    assert item["last_modified"] == {"S": "2026-11-30T23:00:00.000Z"}
