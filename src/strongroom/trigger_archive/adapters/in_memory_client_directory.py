"""A ClientDirectory over a fixed list, for unit tests."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from strongroom.trigger_archive.domain import Client, ClientListUnavailable


class InMemoryClientDirectory:
    def __init__(self, clients: Sequence[Client], *, unavailable: bool = False) -> None:
        self._clients = tuple(clients)
        self._unavailable = unavailable

    def clients(self, only_ids: Collection[int] | None = None) -> Iterator[Client]:
        if self._unavailable:
            raise ClientListUnavailable("the in-memory directory is switched off")
        wanted = None if only_ids is None else frozenset(only_ids)
        for client in self._clients:
            if wanted is None or client.id in wanted:
                yield client
