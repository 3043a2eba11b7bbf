"""The in-memory AuditStore, and the DynamoDB store's settings."""

from __future__ import annotations

import pytest

from strongroom.config_audit.adapters.in_memory_audit_store import InMemoryAuditStore
from strongroom.config_audit.domain.entry import AuditEntry
from strongroom.config_audit.wiring import AuditTableSettings
from strongroom.core.settings import SettingsError


def entry(entry_id: str, item_key: str, time: str) -> AuditEntry:
    return AuditEntry(id=entry_id, item_key=item_key, modification_time=time)


def test_an_entry_is_added_once() -> None:
    store = InMemoryAuditStore()

    assert store.add(entry("1", "K", "2024-01-01T00:00:00.000Z"))
    assert not store.add(entry("1", "K", "2024-01-01T00:00:00.000Z"))
    assert store.entries() == [entry("1", "K", "2024-01-01T00:00:00.000Z")]


def test_history_is_the_items_entries_newest_first() -> None:
    store = InMemoryAuditStore()
    for added in (
        entry("a", "K", "2024-01-01T00:00:01.000Z"),
        entry("b", "OTHER", "2024-01-01T00:00:05.000Z"),
        entry("c", "K", "2024-01-01T00:00:03.000Z"),
        entry("d", "K", "2024-01-01T00:00:02.000Z"),
    ):
        store.add(added)

    assert [found.id for found in store.history("K")] == ["c", "d", "a"]
    assert store.history("MISSING") == []


def test_settings_read_the_audit_table_name_from_the_environment() -> None:
    settings = AuditTableSettings.from_environment({"AUDIT_TABLE_NAME": "dev-Audit"})

    assert settings.table_name == "dev-Audit"


@pytest.mark.parametrize(
    "environment",
    [
        pytest.param({}, id="missing"),
        pytest.param({"AUDIT_TABLE_NAME": ""}, id="empty"),
        pytest.param({"AUDIT_TABLE_NAME": "not a table"}, id="invalid"),
    ],
)
def test_settings_name_the_variable_when_it_is_wrong(environment: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="AUDIT_TABLE_NAME"):
        AuditTableSettings.from_environment(environment)
