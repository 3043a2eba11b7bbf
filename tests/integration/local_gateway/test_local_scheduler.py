"""The scheduler's own thread firing on time, driven by an injected clock."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from strongroom.local.schedules.scheduler import LocalScheduler
from strongroom.local.specs import ScheduleSpec
from tests.unit.local_gateway.fakes import RecordingInvoker

pytestmark = pytest.mark.integration

NIGHTLY = ScheduleSpec("trigger_archive.Daily.Nightly", "cron(30 2 * * ? *)", "nightly")


class Clock:
    def __init__(self, now: datetime) -> None:
        self._lock = threading.Lock()
        self._now = now

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime) -> None:
        with self._lock:
            self._now = now


def test_started_scheduler_fires_when_the_clock_reaches_the_next_fire_time() -> None:
    fired = threading.Event()

    def nightly(event: Mapping[str, Any]) -> None:
        fired.set()

    invoker = RecordingInvoker({"nightly": nightly})
    clock = Clock(datetime(2024, 5, 31, 23, 0, tzinfo=UTC))
    scheduler = LocalScheduler(
        [NIGHTLY], invoker, region="eu-west-1", account_id="123456789012", clock=clock
    )
    (status,) = scheduler.schedules()
    assert status.next_fire == datetime(2024, 6, 1, 2, 30, tzinfo=UTC)

    scheduler.start()
    try:
        clock.set(datetime(2024, 6, 1, 2, 30, 1, tzinfo=UTC))
        assert fired.wait(timeout=10)
    finally:
        scheduler.stop()

    (event,) = invoker.events_for("nightly")
    assert event["time"] == "2024-06-01T02:30:00Z"
    assert event["detail-type"] == "Scheduled Event"
    assert event["resources"] == [
        "arn:aws:events:eu-west-1:123456789012:rule/trigger_archive.Daily.Nightly"
    ]
    (status,) = scheduler.schedules()
    assert status.next_fire == datetime(2024, 6, 2, 2, 30, tzinfo=UTC)
    assert status.last_fired == datetime(2024, 6, 1, 2, 30, tzinfo=UTC)


def test_run_now_while_started_delivers_the_scheduled_event() -> None:
    invoker = RecordingInvoker({"nightly": lambda event: {"done": True}})
    clock = Clock(datetime(2024, 5, 31, 23, 0, 7, tzinfo=UTC))
    scheduler = LocalScheduler(
        [NIGHTLY], invoker, region="eu-west-1", account_id="123456789012", clock=clock
    )

    scheduler.start()
    try:
        result = scheduler.run_now(NIGHTLY.name)
    finally:
        scheduler.stop()

    assert result.payload == {"done": True}
    (event,) = invoker.events_for("nightly")
    assert event["source"] == "aws.events"
    assert event["time"] == "2024-05-31T23:00:07Z"
