"""Validating a stream record into a ConfigurationChange."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from strongroom.config_audit.domain.change import ConfigurationChange
from tests.unit.config_audit.support import STREAM_ARN, single_record, stream_record

ITEM = {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "3600"}}


def test_a_canonical_insert_record_is_read() -> None:
    change = ConfigurationChange.model_validate(single_record("insert"))

    assert change.event_name == "INSERT"
    assert change.item_key == "CACHE_TTL_SEC"
    assert change.event_source_arn == STREAM_ARN
    assert change.sequence_number == "440000000000000001000"
    assert change.new_item == ITEM
    assert change.old_item == {}


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        pytest.param(1704067200, "2024-01-01T00:00:00.000Z", id="whole seconds"),
        pytest.param(1704067200.5, "2024-01-01T00:00:00.500Z", id="fractional"),
        pytest.param(1700000000.123, "2023-11-14T22:13:20.123Z", id="milliseconds survive float"),
        pytest.param(
            1704067199.9999, "2023-12-31T23:59:59.999Z", id="truncated to the millisecond"
        ),
        pytest.param("1704067200", "2024-01-01T00:00:00.000Z", id="numeric string"),
    ],
)
def test_modification_time_is_the_stream_time_in_iso_8601_utc(
    created: float, expected: str
) -> None:
    record = stream_record("INSERT", "1", new=ITEM, created=created)

    assert ConfigurationChange.model_validate(record).modification_time == expected


def _without(record: dict[str, Any], *path: str) -> dict[str, Any]:
    target = record
    for name in path[:-1]:
        target = target[name]
    del target[path[-1]]
    return record


MALFORMED = [
    pytest.param(
        _without(stream_record("INSERT", "1", new=ITEM), "dynamodb", "NewImage"),
        "INSERT record needs dynamodb.NewImage",
        id="INSERT without NewImage",
    ),
    pytest.param(
        stream_record("MODIFY", "1", new=ITEM),
        "MODIFY record needs dynamodb.OldImage",
        id="MODIFY without OldImage",
    ),
    pytest.param(
        stream_record("MODIFY", "1", old=ITEM),
        "MODIFY record needs dynamodb.NewImage",
        id="MODIFY without NewImage",
    ),
    pytest.param(
        stream_record("REMOVE", "1", new=ITEM),
        "REMOVE record needs dynamodb.OldImage",
        id="REMOVE without OldImage",
    ),
    pytest.param(stream_record("TRUNCATE", "1", new=ITEM), "eventName", id="unknown eventName"),
    pytest.param(
        _without(stream_record("INSERT", "1", new=ITEM), "eventName"),
        "eventName",
        id="no eventName",
    ),
    pytest.param(
        _without(stream_record("INSERT", "1", new=ITEM), "dynamodb", "SequenceNumber"),
        "SequenceNumber",
        id="no SequenceNumber",
    ),
    pytest.param(
        stream_record("INSERT", "", new=ITEM), "SequenceNumber", id="empty SequenceNumber"
    ),
    pytest.param(
        _without(stream_record("INSERT", "1", new=ITEM), "eventSourceARN"),
        "eventSourceARN",
        id="no eventSourceARN",
    ),
    pytest.param(
        _without(stream_record("INSERT", "1", new=ITEM), "dynamodb", "Keys"), "Keys", id="no Keys"
    ),
    pytest.param(
        _without(stream_record("INSERT", "1", new=ITEM), "dynamodb"),
        "dynamodb",
        id="no dynamodb member",
    ),
    pytest.param(
        _without(stream_record("INSERT", "1", new=ITEM), "dynamodb", "ApproximateCreationDateTime"),
        "ApproximateCreationDateTime",
        id="no creation time",
    ),
    pytest.param(
        stream_record("INSERT", "1", new=ITEM, created=-1),
        "ApproximateCreationDateTime",
        id="negative creation time",
    ),
    pytest.param(
        stream_record("INSERT", "1", new={"value": {"N": "x"}}),
        "not a DynamoDB number",
        id="bad value in image",
    ),
]


@pytest.mark.parametrize(("record", "reason"), MALFORMED)
def test_malformed_records_are_rejected_naming_the_fault(
    record: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        ConfigurationChange.model_validate(record)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param({"key": {"N": "1"}}, id="numeric key"),
        pytest.param({"key": {"S": ""}}, id="empty key"),
        pytest.param({"id": {"S": "CACHE_TTL_SEC"}}, id="other key attribute"),
    ],
)
def test_an_item_without_a_string_key_is_rejected(keys: dict[str, Any]) -> None:
    record = stream_record("INSERT", "1", new=ITEM)
    record["dynamodb"]["Keys"] = keys

    with pytest.raises(ValidationError, match=r"Keys\.key must be a non-empty string"):
        ConfigurationChange.model_validate(record)
