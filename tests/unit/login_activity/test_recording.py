"""Recording a user's events: one conditional write, none on a replay, retried on a conflict."""

from __future__ import annotations

import pytest

from strongroom.login_activity.adapters.activity_store import VersionConflict
from strongroom.login_activity.adapters.in_memory_activity_store import InMemoryActivityStore
from strongroom.login_activity.domain.activity import UserActivity
from strongroom.login_activity.domain.events import LoginEvent
from strongroom.login_activity.domain.merge import merge_activity
from strongroom.login_activity.services.recording import (
    ConflictRetriesExhausted,
    Recorded,
    RetryPolicy,
    record_logins,
)
from tests.unit.login_activity.support import login

USER = "auth0|alice"


def event(service_id: str = "portal", timestamp: str = "2022-08-04T08:50:39Z") -> LoginEvent:
    return LoginEvent.model_validate(
        login(user_id=USER, service_id=service_id, service_name=service_id, timestamp=timestamp)
    )


class Pauses:
    """Records each backoff; jitter answers its ceiling so the schedule is visible."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    def policy(self, max_attempts: int = 5) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=max_attempts,
            base_delay_seconds=0.02,
            max_delay_seconds=0.1,
            sleep=self.slept.append,
            jitter=lambda low, high: high,
        )


class RacingStore(InMemoryActivityStore):
    """Another writer records ``competing`` between this writer's read and its first write."""

    def __init__(self, competing: LoginEvent, races: int = 1) -> None:
        super().__init__()
        self._competing = competing
        self._races = races

    def save(self, activity: UserActivity, expected_version: int | None) -> int:
        if self._races:
            self._races -= 1
            held = self.load(activity.user_id)
            current = None if held is None else held.activity
            rival = merge_activity(activity.user_id, current, [self._competing])
            super().save(rival, None if held is None else held.version)
        return super().save(activity, expected_version)


def test_a_new_users_events_are_written_once() -> None:
    store = InMemoryActivityStore()

    recorded = record_logins(store, USER, [event("portal"), event("wiki")], Pauses().policy())

    assert recorded == Recorded(written=True, conflicts=0)
    assert store.writes_for(USER) == 1
    stored = store.load(USER)
    assert stored is not None
    assert stored.version == 1
    assert {item.service_id for item in stored.activity.services} == {"portal", "wiki"}


def test_a_replayed_batch_writes_nothing() -> None:
    store = InMemoryActivityStore()
    events = [event("portal"), event("wiki")]
    record_logins(store, USER, events, Pauses().policy())

    recorded = record_logins(store, USER, list(reversed(events)), Pauses().policy())

    assert recorded == Recorded(written=False, conflicts=0)
    assert store.writes_for(USER) == 1


def test_an_older_event_alone_writes_nothing() -> None:
    store = InMemoryActivityStore()
    record_logins(store, USER, [event(timestamp="2022-08-04T08:50:39Z")], Pauses().policy())

    recorded = record_logins(store, USER, [event(timestamp="2021-01-01T00:00:00Z")])

    assert recorded.written is False
    assert store.writes_for(USER) == 1


def test_new_events_merge_into_the_record_and_advance_its_version() -> None:
    store = InMemoryActivityStore()
    record_logins(store, USER, [event("portal")], Pauses().policy())

    record_logins(store, USER, [event("wiki", "2022-08-05T00:00:00Z")], Pauses().policy())

    stored = store.load(USER)
    assert stored is not None
    assert stored.version == 2
    assert [item.service_id for item in stored.activity.services] == ["wiki", "portal"]


@pytest.mark.parametrize("existing", [False, True], ids=["new user", "existing user"])
def test_a_write_that_loses_a_race_is_merged_again_and_loses_nothing(existing: bool) -> None:
    store = RacingStore(competing=event("rival", "2022-08-06T00:00:00Z"))
    if existing:  # written before the race starts
        InMemoryActivityStore.save(store, merge_activity(USER, None, [event("first")]), None)
    pauses = Pauses()

    recorded = record_logins(store, USER, [event("portal")], pauses.policy())

    assert recorded == Recorded(written=True, conflicts=1)
    assert pauses.slept == [0.02]
    stored = store.load(USER)
    assert stored is not None
    expected = {"rival", "portal"} | ({"first"} if existing else set())
    assert {item.service_id for item in stored.activity.services} == expected


def test_conflicts_are_retried_with_growing_capped_pauses_then_given_up() -> None:
    store = RacingStore(competing=event("rival", "2022-08-06T00:00:00Z"), races=10)
    pauses = Pauses()

    with pytest.raises(ConflictRetriesExhausted) as raised:
        record_logins(store, USER, [event("portal")], pauses.policy(max_attempts=5))

    assert raised.value.attempts == 5
    assert pauses.slept == [0.02, 0.04, 0.08, 0.1]
    stored = store.load(USER)
    assert stored is not None
    assert [item.service_id for item in stored.activity.services] == ["rival"]


def test_the_default_jitter_stays_between_zero_and_the_ceiling() -> None:
    slept: list[float] = []
    policy = RetryPolicy(base_delay_seconds=0.02, max_delay_seconds=0.5, sleep=slept.append)

    for attempt in range(1, 8):
        policy.pause(attempt)

    ceilings = [min(0.5, 0.02 * 2 ** (attempt - 1)) for attempt in range(1, 8)]
    assert all(0 <= pause <= ceiling for pause, ceiling in zip(slept, ceilings, strict=True))


def test_other_store_errors_propagate_without_retry() -> None:
    class Throttled(InMemoryActivityStore):
        def save(self, activity: UserActivity, expected_version: int | None) -> int:
            raise RuntimeError("ProvisionedThroughputExceededException")

    pauses = Pauses()

    with pytest.raises(RuntimeError, match="ProvisionedThroughput"):
        record_logins(Throttled(), USER, [event()], pauses.policy())
    assert pauses.slept == []


def test_the_in_memory_store_refuses_a_stale_version() -> None:
    store = InMemoryActivityStore()
    activity = merge_activity(USER, None, [event()])
    assert store.save(activity, None) == 1

    with pytest.raises(VersionConflict):
        store.save(activity, None)
    with pytest.raises(VersionConflict):
        store.save(activity, 2)
    assert store.save(activity, 1) == 2
