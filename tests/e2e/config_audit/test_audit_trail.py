"""config_audit through the local stack, driven as a user would: boto3, the AWS CLI, strongroom."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.local.endpoints import Endpoints
from strongroom.local.iterator_expiry import IteratorExpiry, moto_iterator_tables
from strongroom.local.replay import stream_events
from strongroom.local.stack import LocalStack
from tests.e2e.aws_cli import aws_cli
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
FUNCTION = "audit_producer:learn"


@pytest.fixture(scope="module")
def tables(endpoints: Endpoints) -> dict[str, str]:
    return endpoints.outputs["config_audit"]


def _entries(aws: Any, tables: dict[str, str], key: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = aws("dynamodb").query(
        TableName=tables["AuditTableName"],
        IndexName="byItemKey",
        KeyConditionExpression="itemKey = :key",
        ExpressionAttributeValues={":key": {"S": key}},
    )["Items"]
    return items


def _wait_entries(aws: Any, tables: dict[str, str], key: str, count: int) -> list[dict[str, Any]]:
    return eventually(lambda: len(found := _entries(aws, tables, key)) >= count and found)


def _without_ids_and_times(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {name: value for name, value in entry.items() if name not in ("id", "modificationTime")}
        for entry in entries
    ]


def test_put_update_delete_are_audited_in_the_seed_format(aws: Any, tables: dict[str, str]) -> None:
    dynamodb = aws("dynamodb")
    table = tables["ConfigurationTableName"]
    dynamodb.put_item(TableName=table, Item={"key": {"S": "E2E_TTL"}, "value": {"N": "3600"}})
    dynamodb.update_item(
        TableName=table,
        Key={"key": {"S": "E2E_TTL"}},
        UpdateExpression="SET #v = :v",
        ExpressionAttributeNames={"#v": "value"},
        ExpressionAttributeValues={":v": {"N": "1800"}},
    )
    dynamodb.delete_item(TableName=table, Key={"key": {"S": "E2E_TTL"}})

    entries = _wait_entries(aws, tables, "E2E_TTL", 3)

    assert _without_ids_and_times(entries) == [
        {
            "itemKey": {"S": "E2E_TTL"},
            "newValue": {"M": {"key": {"S": "E2E_TTL"}, "value": {"N": "3600"}}},
        },
        {
            "itemKey": {"S": "E2E_TTL"},
            "updatedAttribute": {"S": "value"},
            "oldValue": {"N": "3600"},
            "newValue": {"N": "1800"},
        },
        {
            "itemKey": {"S": "E2E_TTL"},
            "oldValue": {"M": {"key": {"S": "E2E_TTL"}, "value": {"N": "1800"}}},
        },
    ]
    times = [entry["modificationTime"]["S"] for entry in entries]
    assert all(len(time) == 24 and time.endswith("Z") for time in times)


def test_a_poison_record_lands_alone_on_the_failure_queue_and_the_rest_are_audited(
    aws: Any, tables: dict[str, str]
) -> None:
    dynamodb, sqs = aws("dynamodb"), aws("sqs")
    table = tables["ConfigurationTableName"]
    dynamodb.put_item(
        TableName=table, Item={"key": {"S": "E2E_BLOB"}, "value": {"S": "a" * 300_000}}
    )
    dynamodb.put_item(
        TableName=table, Item={"key": {"S": "E2E_BLOB"}, "value": {"S": "b" * 300_000}}
    )
    dynamodb.put_item(TableName=table, Item={"key": {"S": "E2E_AFTER"}, "value": {"BOOL": True}})

    messages = eventually(
        lambda: sqs.receive_message(QueueUrl=tables["FailureQueueUrl"], WaitTimeSeconds=1).get(
            "Messages"
        ),
        timeout=90,
    )
    failure = json.loads(messages[0]["Body"])
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["DDBStreamBatchInfo"]["batchSize"] == 1
    assert len(_wait_entries(aws, tables, "E2E_BLOB", 1)) == 1
    assert len(_wait_entries(aws, tables, "E2E_AFTER", 1)) == 1


def test_redelivering_the_stream_writes_no_duplicates(
    aws: Any, tables: dict[str, str], local_stack: LocalStack
) -> None:
    dynamodb = aws("dynamodb")
    dynamodb.put_item(
        TableName=tables["ConfigurationTableName"],
        Item={"key": {"S": "E2E_REPLAY"}, "value": {"L": [{"N": "1"}, {"S": "two"}]}},
    )
    _wait_entries(aws, tables, "E2E_REPLAY", 1)
    before = dynamodb.scan(TableName=tables["AuditTableName"], Select="COUNT")["Count"]

    records = stream_events(aws("dynamodbstreams"), tables["ConfigurationStreamArn"], "eu-west-1")
    assert local_stack.runtime is not None
    for start in range(0, len(records), 100):
        local_stack.runtime.invoke(FUNCTION, {"Records": records[start : start + 100]})

    assert dynamodb.scan(TableName=tables["AuditTableName"], Select="COUNT")["Count"] == before


def test_the_aws_cli_can_change_configuration_and_read_the_audit_trail(
    endpoints: Endpoints, tables: dict[str, str]
) -> None:
    table = tables["ConfigurationTableName"]
    aws_cli(
        endpoints,
        "dynamodb",
        "put-item",
        "--table-name",
        table,
        "--item",
        '{"key":{"S":"CLI_TTL"},"value":{"N":"60"}}',
    )
    aws_cli(
        endpoints,
        "dynamodb",
        "put-item",
        "--table-name",
        table,
        "--item",
        '{"key":{"S":"CLI_TTL"},"value":{"N":"90"}}',
    )

    def audit_entries() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = aws_cli(
            endpoints,
            "dynamodb",
            "query",
            "--table-name",
            tables["AuditTableName"],
            "--index-name",
            "byItemKey",
            "--key-condition-expression",
            "itemKey = :k",
            "--expression-attribute-values",
            '{":k":{"S":"CLI_TTL"}}',
        )["Items"]
        return found

    entries = eventually(lambda: len(found := audit_entries()) == 2 and found)
    assert _without_ids_and_times(entries)[1] == {
        "itemKey": {"S": "CLI_TTL"},
        "updatedAttribute": {"S": "value"},
        "oldValue": {"N": "60"},
        "newValue": {"N": "90"},
    }


def test_audit_history_command_prints_newest_first(
    aws: Any, tables: dict[str, str], local_stack: LocalStack
) -> None:
    dynamodb = aws("dynamodb")
    for value in ("1", "2", "3"):
        dynamodb.put_item(
            TableName=tables["ConfigurationTableName"],
            Item={"key": {"S": "E2E_HISTORY"}, "value": {"N": value}},
        )
    _wait_entries(aws, tables, "E2E_HISTORY", 3)

    result = CliRunner().invoke(
        app,
        [
            "audit",
            "history",
            "E2E_HISTORY",
            "--json",
            "--state-dir",
            str(local_stack.options.state_dir),
        ],
    )

    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [entry.get("newValue") for entry in shown] == [3, 2, {"key": "E2E_HISTORY", "value": 1}]


def test_auditing_survives_the_expiry_of_every_shard_iterator(
    aws: Any, tables: dict[str, str]
) -> None:
    assert sum(len(table) for table in moto_iterator_tables()) > 0
    expiry = IteratorExpiry(lifetime_seconds=-1)

    assert expiry.sweep() > 0
    aws("dynamodb").put_item(
        TableName=tables["ConfigurationTableName"],
        Item={"key": {"S": "E2E_AFTER_EXPIRY"}, "value": {"N": "1"}},
    )

    assert len(_wait_entries(aws, tables, "E2E_AFTER_EXPIRY", 1)) == 1
