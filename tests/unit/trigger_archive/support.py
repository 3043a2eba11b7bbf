"""In-memory twins wired into runs, for the service and handler tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime

from strongroom.trigger_archive.adapters import (
    InMemoryArchiveStore,
    InMemoryClientDirectory,
    InMemoryTriggerSource,
)
from strongroom.trigger_archive.domain import Client, Outcome
from strongroom.trigger_archive.services import RunPorts

CLIENTS = [Client(1, "Acme"), Client(2, "Globex"), Client(3, "Hooli")]


def ports(
    clients: Sequence[Client] = CLIENTS,
    source: InMemoryTriggerSource | None = None,
    store: InMemoryArchiveStore | None = None,
    *,
    directory_unavailable: bool = False,
) -> RunPorts:
    return RunPorts(
        directory=InMemoryClientDirectory(clients, unavailable=directory_unavailable),
        source=source or InMemoryTriggerSource(),
        store=store or InMemoryArchiveStore(),
    )


def opener(run_ports: RunPorts) -> Callable[[], AbstractContextManager[RunPorts]]:
    @contextmanager
    def open_ports() -> Iterator[RunPorts]:
        yield run_ports

    return open_ports


class StoreFailingFor(InMemoryArchiveStore):
    """An in-memory store whose writes for some clients fail, as S3 may."""

    def __init__(self, *failing: int) -> None:
        super().__init__()
        self._failing = set(failing)

    def store(
        self, client_id: int, trigger_date: date, body: bytes, archived_at: datetime
    ) -> Outcome:
        if client_id in self._failing:
            raise ConnectionError(f"S3 is unreachable for client {client_id}")
        return super().store(client_id, trigger_date, body, archived_at)
