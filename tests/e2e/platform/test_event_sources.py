"""SQS event source on the local stack: partial batch failures and redrive to the DLQ."""

from __future__ import annotations

from typing import Any

import pytest

from strongroom.local.endpoints import Endpoints
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e


def _seen(aws: Any, table: str, item_id: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = (
        aws("dynamodb")
        .get_item(TableName=table, Key={"id": {"S": item_id}}, ConsistentRead=True)
        .get("Item")
    )
    return item


def test_given_one_failure_in_a_batch_then_the_rest_is_processed_and_the_failure_reaches_the_dlq(
    aws: Any, endpoints: Endpoints
) -> None:
    outputs = endpoints.outputs["platform_fixture"]
    sqs = aws("sqs")
    for body in ("alpha", "fail", "beta"):
        sqs.send_message(QueueUrl=outputs["WorkQueueUrl"], MessageBody=body)

    for body in ("alpha", "beta"):
        item = eventually(lambda body=body: _seen(aws, outputs["SeenTableName"], f"sqs:{body}"))
        assert item["receive_count"] == {"S": "1"}
    dead = eventually(
        lambda: sqs.receive_message(QueueUrl=outputs["DeadLetterQueueUrl"], WaitTimeSeconds=1).get(
            "Messages"
        ),
        timeout=60,
    )
    assert [message["Body"] for message in dead] == ["fail"]
    assert _seen(aws, outputs["SeenTableName"], "sqs:fail") is None
