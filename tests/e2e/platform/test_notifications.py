"""What SNS topics delivered, read back through the control endpoint and the CLI."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.local.control import SECRET_HEADER
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def published(aws: Any) -> dict[str, Any]:
    """A fresh topic with two messages: a JSON one with a subject, a plain one with attributes."""
    sns = aws("sns")
    topic_arn = sns.create_topic(Name=f"notifications-{uuid.uuid4().hex[:8]}")["TopicArn"]
    first = sns.publish(
        TopicArn=topic_arn, Subject="Restore ready", Message=json.dumps({"request_id": "r-1"})
    )["MessageId"]
    second = sns.publish(
        TopicArn=topic_arn,
        Message="plain text",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}},
    )["MessageId"]
    return {"topic_arn": topic_arn, "message_ids": [first, second]}


def _get(endpoints: Endpoints, path: str) -> tuple[int, Any]:
    try:
        request = urllib.request.Request(
            endpoints.control_url + path,
            headers={SECRET_HEADER: endpoints.control_secret},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _cli(local_stack: LocalStack, *args: str) -> Any:
    """Run ``strongroom ARGS`` on a terminal wide enough that no table cell is cut."""
    state = ["--state-dir", str(local_stack.options.state_dir)]
    runner = CliRunner(env={"COLUMNS": "200"})
    return runner.invoke(app, [*args, *state], catch_exceptions=False)


def test_the_control_endpoint_lists_a_topics_messages_in_publish_order(
    endpoints: Endpoints, published: dict[str, Any]
) -> None:
    topic_arn = published["topic_arn"]

    status, rows = _get(endpoints, f"/notifications?topic={quote(topic_arn, safe='')}")

    assert status == 200
    assert [row["message_id"] for row in rows] == published["message_ids"]
    assert rows[0]["topic_arn"] == topic_arn
    assert rows[0]["subject"] == "Restore ready"
    assert json.loads(rows[0]["message"]) == {"request_id": "r-1"}
    assert rows[1]["subject"] is None
    assert rows[1]["message"] == "plain text"
    # As SNS shows attributes in the notifications it delivers to queues.
    assert rows[1]["attributes"] == {"kind": {"Type": "String", "Value": "test"}}


def test_without_a_topic_the_control_endpoint_lists_every_topic(
    endpoints: Endpoints, published: dict[str, Any]
) -> None:
    status, rows = _get(endpoints, "/notifications")

    assert status == 200
    ours = [row["message_id"] for row in rows if row["topic_arn"] == published["topic_arn"]]
    assert ours == published["message_ids"]


def test_an_unknown_topic_is_a_404_naming_it(endpoints: Endpoints) -> None:
    missing = "arn:aws:sns:eu-west-1:123456789012:no-such-topic"

    status, body = _get(endpoints, f"/notifications?topic={quote(missing, safe='')}")

    assert status == 404
    assert missing in body["message"]


def test_the_cli_prints_the_same_deliveries_as_json(
    local_stack: LocalStack, endpoints: Endpoints, published: dict[str, Any]
) -> None:
    topic_arn = published["topic_arn"]
    _, expected = _get(endpoints, f"/notifications?topic={quote(topic_arn, safe='')}")

    result = _cli(local_stack, "notifications", "--json", "--topic", topic_arn)

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == expected


def test_the_cli_table_shows_the_topic_name_and_the_subject(
    local_stack: LocalStack, published: dict[str, Any]
) -> None:
    topic_arn = published["topic_arn"]

    result = _cli(local_stack, "notifications", "--topic", topic_arn)

    assert result.exit_code == 0, result.output
    assert topic_arn.rsplit(":", 1)[-1] in result.output
    assert "Restore ready" in result.output
    assert '"request_id": "r-1"' in result.output
    assert all(message_id in result.output for message_id in published["message_ids"])


def test_the_cli_names_an_unknown_topic(local_stack: LocalStack) -> None:
    result = _cli(
        local_stack, "notifications", "--topic", "arn:aws:sns:eu-west-1:123456789012:nope"
    )

    assert result.exit_code == 1
    assert "nope" in result.output
