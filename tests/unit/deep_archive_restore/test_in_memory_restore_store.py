"""The RestoreStore contract against the in-memory store (the moto run is in integration)."""

from __future__ import annotations

import threading

import pytest

from strongroom.deep_archive.adapters.in_memory_restores import InMemoryRestoreStore
from tests.integration.deep_archive_restore_store.restore_store_contract import (
    ARCHIVE_X,
    MOVED_AT,
    RestoreStoreContract,
    create,
)


@pytest.fixture
def store() -> InMemoryRestoreStore:
    return InMemoryRestoreStore(clock=lambda: MOVED_AT)


class TestInMemoryRestoreStore(RestoreStoreContract):
    pass


def test_of_many_concurrent_claims_exactly_one_wins(store: InMemoryRestoreStore) -> None:
    create(store, "r-1", ARCHIVE_X)
    start = threading.Barrier(8)
    wins: list[bool] = []

    def claim() -> None:
        start.wait()
        wins.append(store.claim_notification("r-1", MOVED_AT, MOVED_AT))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(wins) == [False] * 7 + [True]
