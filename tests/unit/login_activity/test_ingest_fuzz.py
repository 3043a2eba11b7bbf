"""Fuzzed batches through the ingest handler: a bad body fails only itself, no good one is lost.

Bodies are valid events, or malformed, huge, deeply nested, over the integer digit limit or not
UTF-8 (fuzz_bodies). Derandomized: ``FUZZ_EXAMPLES`` sets the budget (make fuzz runs more).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from strongroom.core.observability import metrics
from strongroom.login_activity import wiring
from strongroom.login_activity.adapters.dead_letter_queue import DeadLetter
from strongroom.login_activity.adapters.in_memory_activity_store import InMemoryActivityStore
from strongroom.login_activity.adapters.in_memory_dead_letter_queue import InMemoryDeadLetterQueue
from strongroom.login_activity.domain.activity import UserActivity
from strongroom.login_activity.handlers import ingest
from strongroom.login_activity.services.recording import RetryPolicy
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.login_activity.fuzz_bodies import EXAMPLES, USERS, Body, batches
from tests.unit.login_activity.support import sqs_event

fuzzed = settings(max_examples=EXAMPLES, derandomize=True)


class ThrottledStore(InMemoryActivityStore):
    """Refuses every write of one user, as DynamoDB does under a hot key."""

    def __init__(self, user_id: str) -> None:
        super().__init__()
        self.user_id = user_id

    def save(self, activity: UserActivity, expected_version: int | None) -> int:
        if activity.user_id == self.user_id:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
                "PutItem",
            )
        return super().save(activity, expected_version)


class UnreachableDeadLetterQueue:
    def send(self, letter: DeadLetter) -> None:
        raise ConnectionError("dead-letter queue unreachable")


@contextmanager
def bound(store: InMemoryActivityStore, queue: Any) -> Iterator[None]:
    """The handler's ports bound to fakes (a context: hypothesis runs many examples per test)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(wiring, "activity_store", lambda: store)
        monkeypatch.setattr(wiring, "dead_letter_queue", lambda: queue)
        monkeypatch.setattr(wiring, "retry_policy", RetryPolicy(sleep=lambda _: None))
        monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
        yield


def ingest_batch(bodies: list[Body], store: InMemoryActivityStore, queue: Any) -> set[str]:
    """Invoke the handler with one message per body; the message ids it reported failed."""
    with bound(store, queue):
        response = ingest.handler(sqs_event(*(body.text for body in bodies)), FakeLambdaContext())
    return {failure["itemIdentifier"] for failure in response["batchItemFailures"]}


def ids(bodies: list[Body], keep: Callable[[Body], bool]) -> set[str]:
    return {f"m{index}" for index, body in enumerate(bodies) if keep(body)}


def assert_recorded(store: InMemoryActivityStore, bodies: list[Body]) -> None:
    """Every good body's service is in its user's record, and no other service is."""
    for user_id in USERS:
        expected = {body.service_id for body in bodies if body.good and body.user_id == user_id}
        stored = store.load(user_id)
        found = {access.service_id for access in stored.activity.services} if stored else set()
        assert found == expected, user_id


@fuzzed
@given(batches)
def test_bad_bodies_are_parked_verbatim_and_good_ones_recorded(bodies: list[Body]) -> None:
    store, queue = InMemoryActivityStore(), InMemoryDeadLetterQueue()

    failed = ingest_batch(bodies, store, queue)

    assert failed == set()
    assert [letter.body for letter in queue.letters] == [b.text for b in bodies if not b.good]
    assert [letter.attributes["source_message_id"] for letter in queue.letters] == sorted(
        ids(bodies, lambda body: not body.good), key=lambda message_id: int(message_id[1:])
    )
    assert_recorded(store, bodies)


@fuzzed
@given(batches)
def test_when_parking_fails_exactly_the_bad_bodies_are_reported(bodies: list[Body]) -> None:
    store = InMemoryActivityStore()

    failed = ingest_batch(bodies, store, UnreachableDeadLetterQueue())

    assert failed == ids(bodies, lambda body: not body.good)
    assert_recorded(store, bodies)


@fuzzed
@given(batches, st.sampled_from(USERS))
def test_a_refused_write_reports_only_that_users_good_bodies(
    bodies: list[Body], throttled_user: str
) -> None:
    store, queue = ThrottledStore(throttled_user), InMemoryDeadLetterQueue()

    failed = ingest_batch(bodies, store, queue)

    assert failed == ids(bodies, lambda body: body.good and body.user_id == throttled_user)
    assert [letter.body for letter in queue.letters] == [b.text for b in bodies if not b.good]
    assert_recorded(store, [body for body in bodies if body.user_id != throttled_user])
