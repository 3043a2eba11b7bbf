"""The audit entries of INSERT, MODIFY and REMOVE records, and their ids."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from strongroom.config_audit.domain.audit import audit_entries
from strongroom.config_audit.domain.change import ConfigurationChange
from strongroom.config_audit.domain.entry import AuditEntry
from strongroom.config_audit.domain.entry_id import audit_entry_id
from tests.unit.config_audit.support import STREAM_ARN, single_record, stream_record

UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CACHE_V1 = {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "3600"}}
CACHE_V2 = {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "1800"}}


def entries_of(record: dict[str, Any]) -> list[AuditEntry]:
    return audit_entries(ConfigurationChange.model_validate(record))


def modify(old: dict[str, Any], new: dict[str, Any]) -> list[AuditEntry]:
    key = {"key": {"S": "CACHE_TTL_SEC"}}
    return entries_of(stream_record("MODIFY", "7", old=key | old, new=key | new))


def load_records(name: str) -> list[dict[str, Any]]:
    return [single_record(name, index) for index in range(2)]


def changes(entries: list[AuditEntry]) -> list[tuple[str | None, Any, Any]]:
    return [(entry.updated_attribute, entry.old_value, entry.new_value) for entry in entries]


def test_insert_records_the_whole_new_item_as_the_seed_shows() -> None:
    (entry,) = entries_of(single_record("insert"))

    assert entry == AuditEntry(
        id=audit_entry_id(STREAM_ARN, "440000000000000001000", None),
        item_key="CACHE_TTL_SEC",
        modification_time="2024-01-01T00:00:00.000Z",
        new_value={"M": CACHE_V1},
    )


def test_modify_records_the_changed_attribute_as_the_seed_shows() -> None:
    (entry,) = entries_of(single_record("modify"))

    assert entry == AuditEntry(
        id=audit_entry_id(STREAM_ARN, "440000000000000002000", "value"),
        item_key="CACHE_TTL_SEC",
        modification_time="2024-01-01T00:01:00.000Z",
        updated_attribute="value",
        old_value={"N": "3600"},
        new_value={"N": "1800"},
    )


def test_remove_records_the_whole_old_item() -> None:
    (entry,) = entries_of(single_record("remove"))

    assert entry == AuditEntry(
        id=audit_entry_id(STREAM_ARN, "440000000000000003000", None),
        item_key="CACHE_TTL_SEC",
        modification_time="2024-01-01T00:02:00.000Z",
        old_value={"M": CACHE_V2},
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param({"v": {"S": "a"}}, {"v": {"S": "b"}}, id="S"),
        pytest.param({"v": {"N": "3600"}}, {"v": {"N": "3600.5"}}, id="N fraction"),
        pytest.param({"v": {"B": "AAEC"}}, {"v": {"B": "3q2+7w=="}}, id="B"),
        pytest.param({"v": {"BOOL": True}}, {"v": {"BOOL": False}}, id="BOOL"),
        pytest.param({"v": {"NULL": True}}, {"v": {"S": "set"}}, id="NULL to S"),
        pytest.param({"v": {"N": "3"}}, {"v": {"S": "3"}}, id="N to S"),
        pytest.param({"v": {"SS": ["a"]}}, {"v": {"SS": ["a", "b"]}}, id="SS"),
        pytest.param({"v": {"NS": ["1"]}}, {"v": {"NS": ["2"]}}, id="NS"),
        pytest.param({"v": {"BS": ["AAEC"]}}, {"v": {"BS": ["AAED"]}}, id="BS"),
        pytest.param({"v": {"L": [{"N": "1"}]}}, {"v": {"L": [{"N": "1"}, {"N": "2"}]}}, id="L"),
        pytest.param(
            {"v": {"M": {"inner": {"M": {"deep": {"N": "1"}}}, "same": {"S": "x"}}}},
            {"v": {"M": {"inner": {"M": {"deep": {"N": "2"}}}, "same": {"S": "x"}}}},
            id="M nested change",
        ),
    ],
)
def test_a_changed_attribute_gives_one_entry_with_its_whole_old_and_new_values(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    assert changes(modify(old, new)) == [("v", old["v"], new["v"])]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param({"v": {"N": "1.0"}}, {"v": {"N": "1"}}, id="N equivalent form"),
        pytest.param({"v": {"SS": ["a", "b"]}}, {"v": {"SS": ["b", "a"]}}, id="SS reordered"),
        pytest.param({"v": {"NS": ["1", "2"]}}, {"v": {"NS": ["2.0", "1"]}}, id="NS reordered"),
        pytest.param({"v": {"BS": ["AAEC", "AAED"]}}, {"v": {"BS": ["AAED", "AAEC"]}}, id="BS"),
        pytest.param(
            {"v": {"S": "a"}, "w": {"BOOL": True}},
            {"w": {"BOOL": True}, "v": {"S": "a"}},
            id="same item",
        ),
        pytest.param({}, {}, id="key only"),
    ],
)
def test_a_modify_that_changes_nothing_gives_no_entries(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    assert modify(old, new) == []


def test_an_added_attribute_has_no_old_value() -> None:
    assert changes(modify({}, {"v": {"S": "a"}})) == [("v", None, {"S": "a"})]


def test_a_removed_attribute_has_no_new_value() -> None:
    assert changes(modify({"v": {"NULL": True}}, {})) == [("v", {"NULL": True}, None)]


def test_several_changes_give_one_entry_each_in_attribute_order() -> None:
    (_, flags_modify) = load_records("modify")

    assert changes(entries_of(flags_modify)) == [
        ("enabled", {"BOOL": True}, {"BOOL": False}),
        ("retired", {"NULL": True}, None),
        (
            "rollout",
            {"M": {"percent": {"N": "10"}, "cohorts": {"L": [{"S": "beta"}, {"N": "7"}]}}},
            {"M": {"percent": {"N": "25"}, "cohorts": {"L": [{"S": "beta"}, {"N": "7"}]}}},
        ),
        ("ticket", None, {"S": "CHG-42"}),
        ("version", {"N": "3"}, {"S": "3"}),
    ]


def test_every_entry_of_a_record_has_its_time_and_key() -> None:
    (_, flags_modify) = load_records("modify")

    entries = entries_of(flags_modify)

    assert {entry.item_key for entry in entries} == {"FEATURE_FLAGS"}
    assert {entry.modification_time for entry in entries} == {"2024-01-01T00:01:01.000Z"}


def test_ids_are_uuid_v4_strings() -> None:
    entry_id = audit_entry_id(STREAM_ARN, "440000000000000001000", "value")

    parsed = uuid.UUID(entry_id)
    assert UUID_V4.fullmatch(entry_id)
    assert parsed.version == 4
    assert parsed.variant == uuid.RFC_4122


def test_ids_are_deterministic_so_a_redelivered_record_gives_the_same_entries() -> None:
    record = single_record("modify", 1)

    assert entries_of(record) == entries_of(single_record("modify", 1))
    assert audit_entry_id(STREAM_ARN, "1", "a") == audit_entry_id(STREAM_ARN, "1", "a")


@pytest.mark.parametrize(
    ("other_arn", "other_sequence", "other_attribute"),
    [
        pytest.param(STREAM_ARN.replace("2024", "2025"), "1", "a", id="other stream"),
        pytest.param(STREAM_ARN, "2", "a", id="other record"),
        pytest.param(STREAM_ARN, "1", "b", id="other attribute"),
        pytest.param(STREAM_ARN, "1", None, id="whole item"),
        pytest.param(STREAM_ARN, '1", "a', None, id="forged separator"),
    ],
)
def test_ids_differ_when_any_part_differs(
    other_arn: str, other_sequence: str, other_attribute: str | None
) -> None:
    assert audit_entry_id(STREAM_ARN, "1", "a") != audit_entry_id(
        other_arn, other_sequence, other_attribute
    )
