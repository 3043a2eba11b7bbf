"""The RestoreStore contract against the Restores table in moto and the in-memory store, and
what only the table shows: its items and index attributes, and batches within DynamoDB's limits."""

from __future__ import annotations

from typing import Any

import pytest

from strongroom.deep_archive.adapters.catalog_store import Backoff, UnprocessedItemsError
from strongroom.deep_archive.adapters.in_memory_restores import InMemoryRestoreStore
from strongroom.deep_archive.adapters.restore_store import (
    DynamoDBRestoreStore,
    RestoreAlreadyExists,
)
from strongroom.deep_archive.domain.restore_progress import RestoreStore
from tests.integration.deep_archive_api.tables import RESTORES_TABLE
from tests.integration.deep_archive_restore_store.restore_store_contract import (
    ARCHIVE_BUCKET,
    ARCHIVE_X,
    ARCHIVE_Y,
    MOVED_AT,
    RestoreStoreContract,
    catalog_entry,
    create,
    restore_file,
    restore_record,
)

pytestmark = pytest.mark.integration


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest) -> RestoreStore:
    if request.param == "memory":
        return InMemoryRestoreStore(clock=lambda: MOVED_AT)
    table: str = request.getfixturevalue("restores_table")
    return DynamoDBRestoreStore(table, request.getfixturevalue("dynamodb"), clock=lambda: MOVED_AT)


class TestRestoreStore(RestoreStoreContract):
    pass


def items_by_sort_key(dynamodb: Any) -> dict[str, dict[str, Any]]:
    return {item["item"]["S"]: item for item in dynamodb.scan(TableName=RESTORES_TABLE)["Items"]}


def test_items_carry_the_sparse_index_keys_while_open(dynamodb: Any, restores_table: str) -> None:
    store = DynamoDBRestoreStore(restores_table, dynamodb, clock=lambda: MOVED_AT)
    create(store, "r-1", ARCHIVE_X, ARCHIVE_Y)

    items = items_by_sort_key(dynamodb)
    assert sorted(items) == ["FILE#000000", "FILE#000001", "REQUEST"]
    assert items["REQUEST"]["open_request"] == {"S": "r-1"}
    assert "notification" not in items["REQUEST"]
    assert items["REQUEST"]["created_at"] == {"S": "2026-12-14T08:30:15.123Z"}
    assert items["FILE#000001"]["waiting_archive"] == {"S": f"{ARCHIVE_BUCKET}/{ARCHIVE_Y}"}
    assert items["FILE#000001"]["entry"]["M"]["metadata"] == {
        "M": {"origin": {"S": "quality-check"}, "owner": {"S": "finance"}}
    }

    store.set_file_state("r-1", 1, "FAILED", expected=("PENDING",), error="gone")
    store.claim_notification("r-1", MOVED_AT, MOVED_AT)
    store.record_notification("r-1", "msg-1", MOVED_AT)

    items = items_by_sort_key(dynamodb)
    assert "waiting_archive" not in items["FILE#000001"]
    assert items["FILE#000001"]["updated_at"] == {"S": "2026-12-14T09:00:00.456Z"}
    assert "waiting_archive" in items["FILE#000000"]
    assert "open_request" not in items["REQUEST"]
    assert items["REQUEST"]["notification"]["M"]["state"] == {"S": "SENT"}


class Throttling:
    """Passes calls to DynamoDB; leaves all but the first item of the first batches unprocessed."""

    def __init__(self, client: Any, refusals: int) -> None:
        self._client = client
        self.refusals = refusals
        self.batch_sizes: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        requests = RequestItems[RESTORES_TABLE]
        self.batch_sizes.append(len(requests))
        if self.refusals > 0 and len(requests) > 1:
            self.refusals -= 1
            self._client.batch_write_item(RequestItems={RESTORES_TABLE: requests[:1]})
            return {"UnprocessedItems": {RESTORES_TABLE: requests[1:]}}
        return dict(self._client.batch_write_item(RequestItems=RequestItems))


def sixty_files() -> list[Any]:
    return [restore_file(n, catalog_entry(f"daily/{n:03d}.csv")) for n in range(60)]


def test_files_are_written_in_batches_of_25_with_unprocessed_ones_retried(
    dynamodb: Any, restores_table: str
) -> None:
    throttling = Throttling(dynamodb, refusals=2)
    pauses: list[float] = []
    backoff = Backoff(sleep=pauses.append, jitter=lambda _low, high: high)
    store = DynamoDBRestoreStore(restores_table, throttling, backoff=backoff)  # type: ignore[arg-type]
    files = sixty_files()

    store.create(restore_record("r-1", 60), files)

    assert throttling.batch_sizes == [25, 24, 23, 25, 10]
    assert pauses == [0.05, 0.1]
    found = store.get("r-1")
    assert found is not None
    assert found[1] == files


def test_a_request_whose_files_could_not_all_be_written_is_not_stored(
    dynamodb: Any, restores_table: str
) -> None:
    throttling = Throttling(dynamodb, refusals=1_000)
    backoff = Backoff(max_attempts=3, sleep=lambda _: None)
    store = DynamoDBRestoreStore(restores_table, throttling, backoff=backoff)  # type: ignore[arg-type]

    with pytest.raises(UnprocessedItemsError, match="still unprocessed after 3 tries"):
        store.create(restore_record("r-1", 60), sixty_files())

    assert store.get("r-1") is None
    assert store.open_restore_ids() == []
    # A retry with DynamoDB answering again completes the request.
    throttling.refusals = 0
    store.create(restore_record("r-1", 60), sixty_files())
    assert store.open_restore_ids() == ["r-1"]


def test_a_create_racing_another_is_refused_by_the_conditional_put(
    dynamodb: Any, restores_table: str
) -> None:
    class RacedClient:
        """Another create stores the request between this one's check and its put."""

        def __init__(self, client: Any) -> None:
            self._client = client

        def __getattr__(self, name: str) -> Any:
            return getattr(self._client, name)

        def put_item(self, **arguments: Any) -> Any:
            create(DynamoDBRestoreStore(restores_table, self._client), "r-1", ARCHIVE_Y)
            return self._client.put_item(**arguments)

    store = DynamoDBRestoreStore(restores_table, RacedClient(dynamodb))  # type: ignore[arg-type]

    with pytest.raises(RestoreAlreadyExists):
        create(store, "r-1", ARCHIVE_X)


def test_the_table_name_comes_from_the_environment(
    dynamodb: Any, restores_table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESTORES_TABLE_NAME", restores_table)
    create(DynamoDBRestoreStore.from_environment(), "r-1", ARCHIVE_X)

    assert DynamoDBRestoreStore(restores_table, dynamodb).open_restore_ids() == ["r-1"]
