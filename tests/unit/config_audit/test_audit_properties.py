"""Properties of the audit trail over generated histories of a Configuration item."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from strongroom.config_audit.domain.attribute_values import Item, same_value
from strongroom.config_audit.domain.audit import audit_entries
from strongroom.config_audit.domain.change import ConfigurationChange
from strongroom.config_audit.domain.entry import AuditEntry
from tests.unit.config_audit.strategies import items, reencoded
from tests.unit.config_audit.support import stream_record

# A history is the item's state after each change: None while the item does not exist.
HISTORIES = st.lists(st.one_of(st.none(), items()), min_size=1, max_size=6)


def records_for(history: list[dict[str, Any] | None]) -> list[dict[str, Any] | None]:
    """The stream record DynamoDB emits for each step of the history (None: nothing changed)."""
    records: list[dict[str, Any] | None] = []
    previous: dict[str, Any] | None = None
    for step, version in enumerate(history):
        sequence_number = str(1000 + step)
        if previous is None and version is not None:
            records.append(stream_record("INSERT", sequence_number, new=version))
        elif previous is not None and version is not None:
            records.append(stream_record("MODIFY", sequence_number, old=previous, new=version))
        elif previous is not None:
            records.append(stream_record("REMOVE", sequence_number, old=previous))
        else:
            records.append(None)
        previous = version
    return records


def emitted(history: list[dict[str, Any] | None]) -> list[dict[str, Any]]:
    return [record for record in records_for(history) if record is not None]


def entries_for(record: dict[str, Any]) -> list[AuditEntry]:
    return audit_entries(ConfigurationChange.model_validate(record))


def replay(item: Item, entries: list[AuditEntry]) -> Item:
    """Apply audit entries in order: what an auditor reconstructs from the Audit table."""
    state = dict(item)
    for entry in entries:
        if entry.updated_attribute is None:  # INSERT or REMOVE: the whole item
            state = dict(entry.new_value["M"]) if entry.new_value is not None else {}
        elif entry.new_value is None:
            del state[entry.updated_attribute]
        else:
            state[entry.updated_attribute] = entry.new_value
    return state


@given(HISTORIES)
def test_replaying_the_entries_reconstructs_every_version(
    history: list[dict[str, Any] | None],
) -> None:
    state: Item = {}
    for version, record in zip(history, records_for(history), strict=True):
        if record is not None:
            state = replay(state, entries_for(record))
        assert same_value({"M": state}, {"M": version or {}})


@given(HISTORIES)
def test_ids_are_unique_per_record_and_attribute(history: list[dict[str, Any] | None]) -> None:
    entries = [entry for record in emitted(history) for entry in entries_for(record)]

    assert len({entry.id for entry in entries}) == len(entries)


@given(HISTORIES)
def test_redelivered_records_give_identical_entries(history: list[dict[str, Any] | None]) -> None:
    for record in emitted(history):
        assert entries_for(record) == entries_for(record)


@given(items())
def test_rewriting_the_same_values_differently_is_not_a_change(item: dict[str, Any]) -> None:
    rewritten = {name: reencoded(value) for name, value in item.items()}

    assert entries_for(stream_record("MODIFY", "1", old=item, new=rewritten)) == []


@given(items(), items())
def test_modify_entries_name_exactly_the_attributes_that_differ(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    entries = entries_for(stream_record("MODIFY", "1", old=old, new=new))

    differing = {
        name for name in old.keys() | new.keys() if not same_value(old.get(name), new.get(name))
    }
    assert [entry.updated_attribute for entry in entries] == sorted(differing)
    for entry in entries:
        assert entry.updated_attribute is not None
        assert entry.old_value == old.get(entry.updated_attribute)
        assert entry.new_value == new.get(entry.updated_attribute)
