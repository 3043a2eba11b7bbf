"""The port the run reads its clients through: the seed's query against the Mediant database."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Protocol

from strongroom.trigger_archive.domain import Client


class ClientDirectory(Protocol):
    def clients(self, only_ids: Collection[int] | None = None) -> Iterator[Client]:
        """The clients the seed's query selects (each once), streamed; with ``only_ids``, just
        those of them. Raises ``ClientListUnavailable`` when the database cannot be read."""
        ...
