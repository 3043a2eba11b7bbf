"""The port the handler writes through and the CLI reads from."""

from __future__ import annotations

from typing import Protocol

from strongroom.config_audit.domain.entry import AuditEntry


class AuditStore(Protocol):
    def add(self, entry: AuditEntry) -> bool:
        """Store ``entry`` unless one with its id exists; ``False`` when it already did."""
        ...

    def history(self, item_key: str) -> list[AuditEntry]:
        """Every entry of the item, newest ``modification_time`` first."""
        ...
