"""The ingest handler against in-memory fakes of the table and the dead-letter queue."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from strongroom.core.observability import metrics
from strongroom.login_activity import wiring
from strongroom.login_activity.adapters.activity_store import StoredActivity
from strongroom.login_activity.adapters.dead_letter_queue import DeadLetter
from strongroom.login_activity.adapters.in_memory_activity_store import InMemoryActivityStore
from strongroom.login_activity.adapters.in_memory_dead_letter_queue import InMemoryDeadLetterQueue
from strongroom.login_activity.domain.activity import UserActivity
from strongroom.login_activity.handlers import ingest
from strongroom.login_activity.services import ingesting
from strongroom.login_activity.services.recording import RetryPolicy
from tests.support.lambda_context import FakeLambdaContext
from tests.support.powertools_output import captured_logs, emitted_metrics
from tests.unit.login_activity.support import (
    QUEUE_ARN,
    SEED_BODY,
    load_event,
    login,
    message_ids,
    sqs_event,
)


class RefusingStore(InMemoryActivityStore):
    """A table that throttles every write of one user, as DynamoDB does under a hot key."""

    def __init__(self, user_id: str) -> None:
        super().__init__()
        self._user_id = user_id

    def save(self, activity: UserActivity, expected_version: int | None) -> int:
        if activity.user_id == self._user_id:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
                "PutItem",
            )
        return super().save(activity, expected_version)


class AlwaysRacedStore(InMemoryActivityStore):
    """Someone else writes one user's record between every read and write of this handler."""

    def __init__(self, user_id: str) -> None:
        super().__init__()
        self._user_id = user_id

    def load(self, user_id: str, *, consistent: bool = True) -> StoredActivity | None:
        held = super().load(user_id, consistent=consistent)
        if user_id != self._user_id:
            return held
        version = 0 if held is None else held.version
        return StoredActivity(UserActivity(user_id=user_id, services=()), version + 7)


class UnreachableDeadLetterQueue:
    def send(self, letter: DeadLetter) -> None:
        raise ConnectionError("dead-letter queue unreachable")


@pytest.fixture(autouse=True)
def _metrics_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    # Metrics reads POWERTOOLS_METRICS_NAMESPACE at import; Lambda sets it before import.
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wiring, "retry_policy", RetryPolicy(sleep=lambda _: None))


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryActivityStore:
    store = InMemoryActivityStore()
    monkeypatch.setattr(wiring, "activity_store", lambda: store)
    return store


@pytest.fixture
def dead_letters(monkeypatch: pytest.MonkeyPatch) -> InMemoryDeadLetterQueue:
    queue = InMemoryDeadLetterQueue()
    monkeypatch.setattr(wiring, "dead_letter_queue", lambda: queue)
    return queue


def invoke(event: dict[str, Any]) -> Any:
    return ingest.handler(event, FakeLambdaContext())


def services(store: InMemoryActivityStore, user_id: str) -> list[dict[str, str]]:
    stored = store.load(user_id)
    assert stored is not None, f"no record for {user_id}"
    return [access.model_dump() for access in stored.activity.services]


def test_the_seeds_event_is_stored_as_the_seeds_record(
    store: InMemoryActivityStore, dead_letters: InMemoryDeadLetterQueue
) -> None:
    assert invoke(load_event("seed_event")) == {"batchItemFailures": []}

    stored = store.load("123456789")
    assert stored is not None
    assert stored.activity.model_dump(mode="json") == {
        "user_id": "123456789",
        "services": [
            {
                "service_id": "abcdef",
                "service_name": "A service name",
                "last_accessed": "2022-08-04T08:50:39Z",
            }
        ],
    }
    assert dead_letters.letters == []


def test_a_batch_writes_each_user_once_with_every_event_merged(
    store: InMemoryActivityStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert invoke(load_event("batch_two_users")) == {"batchItemFailures": []}

    assert store.writes_for("123456789") == 1
    assert store.writes_for("auth0|alice") == 1
    assert services(store, "123456789") == [
        {
            "service_id": "abcdef",
            "service_name": "A service name",
            "last_accessed": "2022-08-04T08:50:39Z",
        },
        {
            "service_id": "ghijkl",
            "service_name": "Another service name",
            "last_accessed": "2022-07-03T10:23:45Z",
        },
    ]
    assert services(store, "auth0|alice") == [
        {"service_id": "wiki", "service_name": "Wiki", "last_accessed": "2022-08-04T07:30:00.25Z"},
        {"service_id": "portal", "service_name": "Portal", "last_accessed": "2022-08-04T07:00:00Z"},
    ]
    emitted = emitted_metrics(capsys.readouterr().out)
    assert sum(emitted["EventsProcessed"]) == 5
    assert sum(emitted["WritesPerformed"]) == 2


def test_a_redelivered_batch_writes_nothing(
    store: InMemoryActivityStore, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(load_event("batch_two_users"))
    capsys.readouterr()

    assert invoke(load_event("batch_two_users")) == {"batchItemFailures": []}

    assert len(store.writes) == 2
    emitted = emitted_metrics(capsys.readouterr().out)
    assert sum(emitted["WritesSkipped"]) == 2
    assert "WritesPerformed" not in emitted


def test_poison_messages_are_parked_with_their_reason_and_the_batch_goes_on(
    store: InMemoryActivityStore,
    dead_letters: InMemoryDeadLetterQueue,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = load_event("batch_with_poison")

    assert invoke(event) == {"batchItemFailures": []}

    records = event["Records"]
    assert [letter.body for letter in dead_letters.letters] == [
        records[0]["body"],
        records[2]["body"],
        records[3]["body"],
    ]
    attributes = [dict(letter.attributes) for letter in dead_letters.letters]
    assert [item["failure_kind"] for item in attributes] == [
        "not_json",
        "not_an_object",
        "invalid_event",
    ]
    assert [item["source_message_id"] for item in attributes] == message_ids(event, 0, 2, 3)
    assert {item["source_queue"] for item in attributes} == {QUEUE_ARN}
    assert attributes[0]["failure_reason"].startswith("body is not JSON")
    assert attributes[2]["failure_reason"] == (
        "timestamp: is not an ISO 8601 date-time: expected an ISO 8601 date-time with seconds "
        "and a zone (Z or ±HH:MM), e.g. 2022-08-04T08:50:39Z [timestamp_format]"
    )
    assert [item["service_id"] for item in services(store, "123456789")] == ["mail"]
    assert services(store, "123456789")[0]["last_accessed"] == "2022-08-05T07:00:00Z"
    assert [item["service_id"] for item in services(store, "bob")] == ["calendar"]
    emitted = emitted_metrics(capsys.readouterr().out)
    assert sum(emitted["EventsRejected"]) == 3
    assert sum(emitted["EventsProcessed"]) == 2


def test_a_poison_message_that_cannot_be_parked_is_left_for_retry(
    store: InMemoryActivityStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wiring, "dead_letter_queue", UnreachableDeadLetterQueue)
    event = load_event("batch_with_poison")

    response = invoke(event)

    assert response == {
        "batchItemFailures": [
            {"itemIdentifier": message_id} for message_id in message_ids(event, 0, 2, 3)
        ]
    }
    assert store.load("bob") is not None
    assert store.load("123456789") is not None


def test_a_throttled_user_fails_only_their_own_messages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = RefusingStore("auth0|alice")
    monkeypatch.setattr(wiring, "activity_store", lambda: store)
    event = load_event("batch_two_users")

    response = invoke(event)

    assert response == {
        "batchItemFailures": [
            {"itemIdentifier": message_id} for message_id in message_ids(event, 1, 3, 4)
        ]
    }
    assert store.writes_for("123456789") == 1
    assert store.load("auth0|alice") is None
    assert sum(emitted_metrics(capsys.readouterr().out)["EventsFailed"]) == 3


def test_a_user_whose_writes_keep_losing_races_is_left_for_retry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = AlwaysRacedStore("bob")
    monkeypatch.setattr(wiring, "activity_store", lambda: store)
    event = sqs_event(login(user_id="bob"), login(user_id="carol"), login(user_id="bob"))

    response = invoke(event)

    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "m2"}]}
    assert store.writes_for("carol") == 1
    assert store.writes_for("bob") == 0
    emitted = emitted_metrics(capsys.readouterr().out)
    assert sum(emitted["WriteConflicts"]) == RetryPolicy().max_attempts


def test_a_batch_where_everything_fails_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = RefusingStore("123456789")
    monkeypatch.setattr(wiring, "activity_store", lambda: store)

    response = invoke(sqs_event(SEED_BODY, SEED_BODY))

    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "m1"}]}


def test_a_missing_table_setting_fails_the_valid_messages_but_parks_poison_once(
    dead_letters: InMemoryDeadLetterQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOGIN_ACTIVITY_TABLE_NAME", raising=False)
    wiring.activity_store.cache_clear()

    response = invoke(sqs_event("not JSON", SEED_BODY))

    assert response == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert [letter.body for letter in dead_letters.letters] == ["not JSON"]


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_an_empty_batch_touches_nothing(
    store: InMemoryActivityStore, dead_letters: InMemoryDeadLetterQueue
) -> None:
    assert invoke({"Records": []}) == {"batchItemFailures": []}
    assert store.writes == []
    assert dead_letters.letters == []


def test_a_rejection_is_logged_with_its_reason_but_not_the_body(
    store: InMemoryActivityStore, dead_letters: InMemoryDeadLetterQueue
) -> None:
    secret = login(user_id="has space", service_name="Confidential payroll")

    with captured_logs() as log_output:
        invoke(sqs_event(secret))

    logs = [json.loads(line) for line in log_output.getvalue().splitlines()]
    (rejection,) = [log for log in logs if log["message"] == "login event rejected"]
    assert rejection["level"] == "WARNING"
    assert rejection["message_id"] == "m0"
    assert "[string_pattern_mismatch]" in rejection["failure_reason"]
    assert "Confidential payroll" not in log_output.getvalue()
    assert rejection["function_request_id"] == FakeLambdaContext.aws_request_id


NESTED_BODY = '{"user_id": ' + "[" * 100_000 + "]" * 100_000 + "}"
NOT_UTF8_BODY = json.dumps(login(user_id="mallory", service_name="bad \udcff name"))
LONE_SURROGATE_BODY = '{"user_id": "mallory", "service_id": "x\udcff"}'
HUGE_NUMBER_BODY = '{"user_id": "mallory", "timestamp": ' + "9" * 5000 + "}"
HUGE_BODY = json.dumps(login(user_id="mallory", service_name="x" * 250_000))
BAD_BODIES = [NESTED_BODY, NOT_UTF8_BODY, LONE_SURROGATE_BODY, HUGE_NUMBER_BODY, HUGE_BODY]


def mixed_batch() -> dict[str, Any]:
    """Valid events for two users between each kind of bad body (m1, m3, m5, m7, m9)."""
    bodies: list[dict[str, Any] | str] = []
    for index, bad in enumerate(BAD_BODIES):
        bodies += [login(user_id=f"user-{index % 2}", service_id=f"svc-{index}"), bad]
    return sqs_event(*bodies)


BAD_IDS = ["m1", "m3", "m5", "m7", "m9"]


def test_bad_bodies_of_every_kind_fail_only_themselves(
    store: InMemoryActivityStore, dead_letters: InMemoryDeadLetterQueue
) -> None:
    assert invoke(mixed_batch()) == {"batchItemFailures": []}

    attributes = [dict(letter.attributes) for letter in dead_letters.letters]
    assert [item["source_message_id"] for item in attributes] == BAD_IDS
    reasons = [item["failure_reason"] for item in attributes]
    assert "nested too deeply" in reasons[0]
    assert "service_name" in reasons[1]
    assert "unicode" in reasons[1]
    assert "not valid Unicode" in reasons[2]
    assert "digits" in reasons[3]
    assert "service_name" in reasons[4]
    assert [item["service_id"] for item in services(store, "user-0")] == ["svc-0", "svc-2", "svc-4"]
    assert [item["service_id"] for item in services(store, "user-1")] == ["svc-1", "svc-3"]
    assert store.load("mallory") is None


def test_bad_bodies_that_cannot_be_parked_are_the_only_failures(
    store: InMemoryActivityStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wiring, "dead_letter_queue", UnreachableDeadLetterQueue)

    response = invoke(mixed_batch())

    assert response == {"batchItemFailures": [{"itemIdentifier": bad} for bad in BAD_IDS]}
    assert len(services(store, "user-0")) == 3
    assert len(services(store, "user-1")) == 2


def test_a_body_that_breaks_the_parser_in_any_way_fails_only_itself(
    store: InMemoryActivityStore,
    dead_letters: InMemoryDeadLetterQueue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = ingesting.parse_login_event

    def fragile(body: str) -> Any:
        if "boom" in body:
            raise MemoryError("the parser gave up")
        return original(body)

    monkeypatch.setattr(ingesting, "parse_login_event", fragile)

    assert invoke(sqs_event(login(), '{"boom": 1}')) == {"batchItemFailures": []}

    (letter,) = dead_letters.letters
    assert letter.attributes["failure_kind"] == "unreadable"
    assert "MemoryError" in letter.attributes["failure_reason"]
    assert store.load("123456789") is not None
