"""ingest and query against DynamoDB and SQS in moto, with the canonical SQS events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.core import aws
from strongroom.core.observability import metrics
from strongroom.local.template.yaml_loader import load_template
from strongroom.login_activity import wiring
from strongroom.login_activity.adapters.activity_store import VersionConflict
from strongroom.login_activity.adapters.dynamodb_store import DynamoDBActivityStore
from strongroom.login_activity.domain.activity import UserActivity
from strongroom.login_activity.domain.events import LoginEvent
from strongroom.login_activity.domain.merge import merge_activity
from strongroom.login_activity.handlers import ingest, query
from strongroom.login_activity.services.recording import RetryPolicy
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.login_activity.support import (
    QUEUE_ARN,
    SEED_BODY,
    http_get,
    lambda_context,
    load_event,
    login,
    message_ids,
    sqs_event,
)

pytestmark = pytest.mark.integration

TABLE = "test-LoginActivity"
DLQ = "test-login_activity-events-dlq"
TEMPLATE = (
    Path(__file__).resolve().parents[3] / "src" / "strongroom" / "login_activity" / "template.yaml"
)


@dataclass
class Aws:
    dynamodb: Any
    sqs: Any
    dlq_url: str

    def item(self, user_id: str) -> dict[str, Any] | None:
        answer = self.dynamodb.get_item(
            TableName=TABLE, Key={"user_id": {"S": user_id}}, ConsistentRead=True
        )
        item: dict[str, Any] | None = answer.get("Item")
        return item

    def dead_letters(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while True:
            answer = self.sqs.receive_message(
                QueueUrl=self.dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
            )
            if not answer.get("Messages"):
                return messages
            messages.extend(answer["Messages"])


def _clear_caches() -> None:
    aws.client.cache_clear()
    wiring.activity_store.cache_clear()
    wiring.dead_letter_queue.cache_clear()


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """The template's table and a dead-letter queue in moto; the handlers bound by env."""
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
    monkeypatch.setattr(wiring, "retry_policy", RetryPolicy(sleep=lambda _: None))
    monkeypatch.setenv("LOGIN_ACTIVITY_TABLE_NAME", TABLE)
    with mock_aws():
        _clear_caches()
        dynamodb = boto3.client("dynamodb")
        table = load_template(TEMPLATE)["Resources"]["LoginActivityTable"]["Properties"]
        dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=table["AttributeDefinitions"],
            KeySchema=table["KeySchema"],
            BillingMode=table["BillingMode"],
        )
        sqs = boto3.client("sqs")
        dlq_url = sqs.create_queue(QueueName=DLQ)["QueueUrl"]
        monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dlq_url)
        yield Aws(dynamodb, sqs, dlq_url)
        _clear_caches()


def ingest_event(event: dict[str, Any]) -> Any:
    return ingest.handler(event, FakeLambdaContext())


def seed_item(version: int | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "user_id": {"S": "123456789"},
        "services": {
            "L": [
                {
                    "M": {
                        "service_id": {"S": "abcdef"},
                        "service_name": {"S": "A service name"},
                        "last_accessed": {"S": "2022-08-04T08:50:39Z"},
                    }
                }
            ]
        },
    }
    if version is not None:
        item["version"] = {"N": str(version)}
    return item


def service_ids(item: dict[str, Any] | None) -> list[str]:
    assert item is not None
    return [entry["M"]["service_id"]["S"] for entry in item["services"]["L"]]


class RacingStore(DynamoDBActivityStore):
    """Between the handler's read and its first conditional put, another writer records
    ``competing`` in the same item: a real racing write against the table, not a stub."""

    def __init__(self, competing: LoginEvent) -> None:
        super().__init__(TABLE)
        self._competing: list[LoginEvent] = [competing]
        self.conflicts = 0

    def save(self, activity: UserActivity, expected_version: int | None) -> int:
        if self._competing:
            rival = DynamoDBActivityStore(TABLE)
            held = rival.load(activity.user_id)
            current = None if held is None else held.activity
            merged = merge_activity(activity.user_id, current, self._competing)
            rival.save(merged, None if held is None else held.version)
            self._competing = []
        try:
            return super().save(activity, expected_version)
        except VersionConflict:
            self.conflicts += 1
            raise


def test_the_seeds_event_is_stored_in_the_seeds_shape(cloud: Aws) -> None:
    assert ingest_event(load_event("seed_event")) == {"batchItemFailures": []}

    assert cloud.item("123456789") == seed_item(version=1)


def test_a_batch_writes_each_user_once_and_a_replay_not_at_all(cloud: Aws) -> None:
    assert ingest_event(load_event("batch_two_users")) == {"batchItemFailures": []}
    assert ingest_event(load_event("batch_two_users")) == {"batchItemFailures": []}

    seed_user, alice = cloud.item("123456789"), cloud.item("auth0|alice")
    assert seed_user is not None
    assert alice is not None
    assert (seed_user["version"], alice["version"]) == ({"N": "1"}, {"N": "1"})
    assert service_ids(seed_user) == ["abcdef", "ghijkl"]
    assert service_ids(alice) == ["wiki", "portal"]
    assert alice["services"]["L"][1]["M"] == {
        "service_id": {"S": "portal"},
        "service_name": {"S": "Portal"},
        "last_accessed": {"S": "2022-08-04T07:00:00Z"},
    }


def test_poison_messages_reach_the_dead_letter_queue_with_their_reason(cloud: Aws) -> None:
    event = load_event("batch_with_poison")

    assert ingest_event(event) == {"batchItemFailures": []}

    letters = cloud.dead_letters()
    by_source = {
        letter["MessageAttributes"]["source_message_id"]["StringValue"]: letter
        for letter in letters
    }
    assert sorted(by_source) == sorted(message_ids(event, 0, 2, 3))
    for index in (0, 2, 3):
        record = event["Records"][index]
        letter = by_source[record["messageId"]]
        attributes = {
            name: value["StringValue"] for name, value in letter["MessageAttributes"].items()
        }
        assert letter["Body"] == record["body"]
        assert attributes["source_queue"] == QUEUE_ARN
        assert attributes["failure_reason"]
    reason = by_source[event["Records"][3]["messageId"]]["MessageAttributes"]["failure_reason"]
    assert reason["StringValue"].startswith("timestamp: is not an ISO 8601 date-time")
    assert service_ids(cloud.item("123456789")) == ["mail"]
    assert service_ids(cloud.item("bob")) == ["calendar"]


def test_poison_is_left_for_retry_when_the_dead_letter_queue_is_gone(cloud: Aws) -> None:
    cloud.sqs.delete_queue(QueueUrl=cloud.dlq_url)
    event = sqs_event("not JSON", SEED_BODY)

    assert ingest_event(event) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert service_ids(cloud.item("123456789")) == ["abcdef"]


@pytest.mark.parametrize("existing", [False, True], ids=["new user", "existing user"])
def test_a_write_that_loses_a_race_is_retried_and_both_updates_survive(
    cloud: Aws, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    if existing:
        cloud.dynamodb.put_item(TableName=TABLE, Item=seed_item(version=4))
    competing = LoginEvent.model_validate(
        login(service_id="rival", timestamp="2022-09-01T00:00:00Z")
    )
    store = RacingStore(competing)
    # Undone before the cloud fixture's teardown clears the wiring's (real) caches.
    with monkeypatch.context() as bound:
        bound.setattr(wiring, "activity_store", lambda: store)
        response = ingest_event(
            sqs_event(login(service_id="mine", timestamp="2022-08-20T00:00:00Z"))
        )

    assert response == {"batchItemFailures": []}
    assert store.conflicts == 1
    item = cloud.item("123456789")
    assert service_ids(item) == ["rival", "mine", *(["abcdef"] if existing else [])]
    assert item is not None
    assert item["version"] == {"N": "6" if existing else "2"}


def test_a_seed_era_item_without_a_version_is_merged_and_versioned(cloud: Aws) -> None:
    cloud.dynamodb.put_item(TableName=TABLE, Item=seed_item(version=None))

    response = ingest_event(sqs_event(login(service_id="ghijkl", timestamp="2022-07-03T10:23:45Z")))

    assert response == {"batchItemFailures": []}
    item = cloud.item("123456789")
    assert service_ids(item) == ["abcdef", "ghijkl"]
    assert item is not None
    assert item["version"] == {"N": "1"}


def test_the_store_refuses_writes_based_on_a_stale_read(cloud: Aws) -> None:
    store = DynamoDBActivityStore(TABLE)
    first = merge_activity("u", None, [LoginEvent.model_validate(login(user_id="u"))])
    assert store.save(first, None) == 1

    with pytest.raises(VersionConflict):
        store.save(first, None)
    with pytest.raises(VersionConflict):
        store.save(first, 0)
    with pytest.raises(VersionConflict):
        store.save(first, 2)
    assert store.save(first, 1) == 2
    held = store.load("u")
    assert held is not None
    assert (held.activity, held.version) == (first, 2)


def test_the_query_answers_what_ingest_stored(cloud: Aws) -> None:
    ingest_event(load_event("batch_two_users"))

    found = query.handler(http_get("/users/auth0%7Calice/services"), lambda_context())
    missing = query.handler(http_get("/users/nobody/services"), lambda_context())

    assert found["statusCode"] == 200
    assert found["body"] == (
        '{"user_id":"auth0|alice","services":['
        '{"service_id":"wiki","service_name":"Wiki","last_accessed":"2022-08-04T07:30:00.25Z"},'
        '{"service_id":"portal","service_name":"Portal","last_accessed":"2022-08-04T07:00:00Z"}]}'
    )
    assert missing["statusCode"] == 404
