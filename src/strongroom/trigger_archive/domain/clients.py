"""A client of the DEX API whose trigger responses are archived."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Client:
    """A row of the seed's query: ``Client.ClientID`` and ``Client.name``."""

    id: int
    name: str
