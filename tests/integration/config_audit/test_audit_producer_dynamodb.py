"""audit_producer end to end against an Audit table in moto, created from the SAM template."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.config_audit import wiring
from strongroom.config_audit.adapters.binary_form import to_boto_item
from strongroom.config_audit.adapters.dynamodb_store import DynamoDBAuditStore
from strongroom.config_audit.domain.entry import AuditEntry
from strongroom.config_audit.handlers import audit_producer
from strongroom.core import aws
from strongroom.core.observability import metrics
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.config_audit.support import (
    load_event,
    load_template,
    stream_record,
)

pytestmark = pytest.mark.integration

AUDIT_TABLE = "test-Audit"
CACHE_V1 = {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "3600"}}
CACHE_V2 = {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "1800"}}


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A moto DynamoDB holding the template's Audit table; the handler bound to it by env."""
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
    monkeypatch.setenv("AUDIT_TABLE_NAME", AUDIT_TABLE)
    with mock_aws():
        aws.client.cache_clear()
        wiring.audit_store.cache_clear()
        client = boto3.client("dynamodb")
        table = load_template()["Resources"]["AuditTable"]["Properties"]
        client.create_table(
            TableName=AUDIT_TABLE,
            AttributeDefinitions=table["AttributeDefinitions"],
            KeySchema=table["KeySchema"],
            GlobalSecondaryIndexes=table["GlobalSecondaryIndexes"],
            BillingMode=table["BillingMode"],
        )
        yield client
        wiring.audit_store.cache_clear()
        aws.client.cache_clear()


def invoke(event: dict[str, Any]) -> Any:
    return audit_producer.handler(event, FakeLambdaContext())


def stored_items(client: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.scan(TableName=AUDIT_TABLE)["Items"]
    return sorted(items, key=lambda item: (item["modificationTime"]["S"], item["id"]["S"]))


def without_id(item: dict[str, Any]) -> dict[str, Any]:
    assert set(item["id"]) == {"S"}
    return {name: value for name, value in item.items() if name != "id"}


def test_an_insert_is_stored_in_the_seeds_shape_with_every_type_intact(dynamodb: Any) -> None:
    event = load_event("insert")

    assert invoke(event) == {"batchItemFailures": []}

    cache, flags = stored_items(dynamodb)
    assert without_id(cache) == {
        "itemKey": {"S": "CACHE_TTL_SEC"},
        "modificationTime": {"S": "2024-01-01T00:00:00.000Z"},
        "newValue": {"M": CACHE_V1},
    }
    assert without_id(flags) == {
        "itemKey": {"S": "FEATURE_FLAGS"},
        "modificationTime": {"S": "2024-01-01T00:00:00.500Z"},
        "newValue": {"M": to_boto_item(event["Records"][1]["dynamodb"]["NewImage"])},
    }


def test_a_modify_is_stored_one_entry_per_changed_attribute(dynamodb: Any) -> None:
    invoke(load_event("modify"))

    cache = [item for item in stored_items(dynamodb) if item["itemKey"]["S"] == "CACHE_TTL_SEC"]
    assert [without_id(item) for item in cache] == [
        {
            "itemKey": {"S": "CACHE_TTL_SEC"},
            "modificationTime": {"S": "2024-01-01T00:01:00.000Z"},
            "updatedAttribute": {"S": "value"},
            "oldValue": {"N": "3600"},
            "newValue": {"N": "1800"},
        }
    ]
    flags = [item for item in stored_items(dynamodb) if item["itemKey"]["S"] == "FEATURE_FLAGS"]
    assert sorted(item["updatedAttribute"]["S"] for item in flags) == [
        "enabled",
        "retired",
        "rollout",
        "ticket",
        "version",
    ]


def test_a_remove_is_stored_with_the_whole_old_item(dynamodb: Any) -> None:
    invoke(load_event("remove"))

    (item,) = stored_items(dynamodb)
    assert without_id(item) == {
        "itemKey": {"S": "CACHE_TTL_SEC"},
        "modificationTime": {"S": "2024-01-01T00:02:00.000Z"},
        "oldValue": {"M": CACHE_V2},
    }


def test_a_redelivered_event_writes_no_duplicates(dynamodb: Any) -> None:
    for name in ("insert", "modify", "insert", "modify"):
        assert invoke(load_event(name)) == {"batchItemFailures": []}

    assert len(stored_items(dynamodb)) == 2 + 6


def test_the_malformed_record_alone_is_reported_and_the_rest_is_audited(dynamodb: Any) -> None:
    response = invoke(load_event("batch_with_malformed"))

    assert response == {"batchItemFailures": [{"itemIdentifier": "440000000000000004001"}]}
    assert [item["itemKey"]["S"] for item in stored_items(dynamodb)] == [
        "LOG_LEVEL",
        "MAX_CONNECTIONS",
    ]


def test_an_entry_over_the_item_size_limit_fails_only_its_record(dynamodb: Any) -> None:
    big = {"key": {"S": "BIG"}, "blob": {"S": "a" * 250_000}}
    bigger = {"key": {"S": "BIG"}, "blob": {"S": "b" * 250_000}}
    event = {
        "Records": [
            stream_record("MODIFY", "9001", old=big, new=bigger, item_key="BIG"),
            stream_record("INSERT", "9002", new=CACHE_V1),
        ]
    }

    assert invoke(event) == {"batchItemFailures": [{"itemIdentifier": "9001"}]}
    assert [item["itemKey"]["S"] for item in stored_items(dynamodb)] == ["CACHE_TTL_SEC"]


def test_history_lists_an_items_entries_newest_first(dynamodb: Any) -> None:
    for name in ("insert", "modify", "remove"):
        invoke(load_event(name))

    history = DynamoDBAuditStore(AUDIT_TABLE).history("CACHE_TTL_SEC")

    assert [(entry.modification_time, entry.old_value, entry.new_value) for entry in history] == [
        ("2024-01-01T00:02:00.000Z", {"M": CACHE_V2}, None),
        ("2024-01-01T00:01:00.000Z", {"N": "3600"}, {"N": "1800"}),
        ("2024-01-01T00:00:00.000Z", None, {"M": CACHE_V1}),
    ]


def test_history_returns_binary_as_the_stream_delivered_it(dynamodb: Any) -> None:
    event = load_event("insert")
    invoke(event)

    (entry,) = DynamoDBAuditStore(AUDIT_TABLE).history("FEATURE_FLAGS")

    assert entry.new_value == {"M": event["Records"][1]["dynamodb"]["NewImage"]}


def test_history_reads_every_page(dynamodb: Any) -> None:
    store = DynamoDBAuditStore(AUDIT_TABLE)
    times = [f"2024-01-01T00:00:{second:02d}.000Z" for second in range(8)]
    for second, time in enumerate(times):  # 8 x 300 KB: Query returns 1 MB per page
        store.add(
            AuditEntry(
                id=f"00000000-0000-4000-8000-{second:012d}",
                item_key="LARGE",
                modification_time=time,
                updated_attribute="blob",
                new_value={"S": "x" * 300_000},
            )
        )

    assert [entry.modification_time for entry in store.history("LARGE")] == times[::-1]


def test_adding_an_existing_entry_reports_a_duplicate(dynamodb: Any) -> None:
    store = DynamoDBAuditStore(AUDIT_TABLE)
    entry = AuditEntry(
        id="00000000-0000-4000-8000-000000000001",
        item_key="K",
        modification_time="2024-01-01T00:00:00.000Z",
        new_value={"M": {"key": {"S": "K"}}},
    )

    assert store.add(entry) is True
    assert store.add(entry) is False
    assert store.history("K") == [entry]
