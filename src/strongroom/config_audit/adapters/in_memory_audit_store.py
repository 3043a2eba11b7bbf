"""An in-memory AuditStore with the DynamoDB store's semantics, for unit tests and demos."""

from __future__ import annotations

from strongroom.config_audit.domain.entry import AuditEntry


class InMemoryAuditStore:
    def __init__(self) -> None:
        self._entries: dict[str, AuditEntry] = {}

    def add(self, entry: AuditEntry) -> bool:
        if entry.id in self._entries:
            return False
        self._entries[entry.id] = entry
        return True

    def history(self, item_key: str) -> list[AuditEntry]:
        entries = [entry for entry in self._entries.values() if entry.item_key == item_key]
        return sorted(entries, key=lambda entry: entry.modification_time, reverse=True)

    def entries(self) -> list[AuditEntry]:
        """Every stored entry, in the order it was first added."""
        return list(self._entries.values())
