"""Audit entries as Audit table items, and binary between Lambda events and boto3."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from strongroom.config_audit.adapters.audit_item import from_audit_item, to_audit_item
from strongroom.config_audit.adapters.binary_form import from_boto_item, to_boto_item
from strongroom.config_audit.domain.entry import AuditEntry
from tests.unit.config_audit.strategies import items

INSERT_ENTRY = AuditEntry(
    id="0d5b2e7c-54a1-4a8e-9a57-3f4f2b6b9c11",
    item_key="CACHE_TTL_SEC",
    modification_time="2024-01-01T00:00:00.000Z",
    new_value={"M": {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "3600"}}},
)
MODIFY_ENTRY = AuditEntry(
    id="7a4c8f0e-2f6b-4d9b-8f3e-6c1b9e2d4a55",
    item_key="CACHE_TTL_SEC",
    modification_time="2024-01-01T00:01:00.000Z",
    updated_attribute="value",
    old_value={"N": "3600"},
    new_value={"N": "1800"},
)


def test_an_insert_entry_is_stored_in_the_seed_shape() -> None:
    assert to_audit_item(INSERT_ENTRY) == {
        "id": {"S": "0d5b2e7c-54a1-4a8e-9a57-3f4f2b6b9c11"},
        "itemKey": {"S": "CACHE_TTL_SEC"},
        "modificationTime": {"S": "2024-01-01T00:00:00.000Z"},
        "newValue": {"M": {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "3600"}}},
    }


def test_a_modify_entry_is_stored_in_the_seed_shape() -> None:
    assert to_audit_item(MODIFY_ENTRY) == {
        "id": {"S": "7a4c8f0e-2f6b-4d9b-8f3e-6c1b9e2d4a55"},
        "itemKey": {"S": "CACHE_TTL_SEC"},
        "modificationTime": {"S": "2024-01-01T00:01:00.000Z"},
        "updatedAttribute": {"S": "value"},
        "oldValue": {"N": "3600"},
        "newValue": {"N": "1800"},
    }


def test_a_missing_side_is_left_out_not_written_as_null() -> None:
    added = AuditEntry("i", "K", "t", updated_attribute="v", new_value={"NULL": True})

    item = to_audit_item(added)

    assert "oldValue" not in item
    assert item["newValue"] == {"NULL": True}


@pytest.mark.parametrize("entry", [INSERT_ENTRY, MODIFY_ENTRY])
def test_items_read_back_into_the_same_entry(entry: AuditEntry) -> None:
    assert from_audit_item(to_audit_item(entry)) == entry


@pytest.mark.parametrize(
    ("item", "attribute"),
    [
        pytest.param({"itemKey": {"S": "K"}, "modificationTime": {"S": "t"}}, "id", id="no id"),
        pytest.param(
            {"id": {"S": "i"}, "itemKey": {"N": "1"}, "modificationTime": {"S": "t"}},
            "itemKey",
            id="itemKey not a string",
        ),
    ],
)
def test_an_item_not_in_the_audit_shape_is_refused(item: dict[str, Any], attribute: str) -> None:
    with pytest.raises(ValueError, match=f"{attribute} is not a string attribute"):
        from_audit_item(item)


def test_binary_becomes_bytes_for_boto3_at_every_depth() -> None:
    wire: dict[str, Any] = {
        "b": {"B": "3q2+7w=="},
        "bs": {"BS": ["AAEC", "3q2+7w=="]},
        "m": {"M": {"inner": {"L": [{"B": "AAEC"}, {"S": "AAEC"}]}}},
        "n": {"N": "1.50"},
    }

    assert to_boto_item(wire) == {
        "b": {"B": b"\xde\xad\xbe\xef"},
        "bs": {"BS": [b"\x00\x01\x02", b"\xde\xad\xbe\xef"]},
        "m": {"M": {"inner": {"L": [{"B": b"\x00\x01\x02"}, {"S": "AAEC"}]}}},
        "n": {"N": "1.50"},
    }


@given(items())
def test_binary_conversion_round_trips_every_value(item: dict[str, Any]) -> None:
    assert from_boto_item(to_boto_item(item)) == item
