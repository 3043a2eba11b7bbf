"""What a fire sends: Scheduler schedules' Input with context attributes, rules' scheduled event."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from strongroom.local.schedules.context_attributes import context_attributes, substitute
from strongroom.local.schedules.scheduler import LocalScheduler
from strongroom.local.specs import ScheduleSpec
from tests.unit.local_gateway.fakes import RecordingInvoker

SCHEDULE_ARN = "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/trigger-daily"
EVERY_ATTRIBUTE = {
    "scheduled_time": "<aws.scheduler.scheduled-time>",
    "schedule": "<aws.scheduler.schedule-arn>",
    "execution": "<aws.scheduler.execution-id>",
    "attempt": "<aws.scheduler.attempt-number>",
}
TRIGGER = ScheduleSpec(
    "trigger_archive.Trigger.Daily",
    "cron(30 20 ? * MON-FRI *)",
    "trigger",
    input=EVERY_ATTRIBUTE,
    service="scheduler",
    timezone="Europe/London",
    arn=SCHEDULE_ARN,
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _scheduler(spec: ScheduleSpec, clock: Clock) -> tuple[LocalScheduler, RecordingInvoker]:
    invoker = RecordingInvoker({spec.function_name: lambda event: None})
    scheduler = LocalScheduler(
        [spec], invoker, region="eu-west-1", account_id="123456789012", clock=clock
    )
    return scheduler, invoker


def test_a_due_fire_replaces_every_context_attribute_in_input() -> None:
    clock = Clock(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    scheduler, invoker = _scheduler(TRIGGER, clock)

    clock.now = datetime(2026, 12, 3, 20, 30, 20, tzinfo=UTC)
    scheduler.fire_due()

    (event,) = invoker.events_for("trigger")
    assert event["scheduled_time"] == "2026-12-03T20:30:00Z"
    assert event["schedule"] == SCHEDULE_ARN
    assert re.fullmatch(r"[0-9a-f]{16}", event["execution"])
    assert event["attempt"] == "1"


def test_in_summer_the_london_fire_is_scheduled_at_1930_utc() -> None:
    clock = Clock(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    scheduler, invoker = _scheduler(TRIGGER, clock)

    assert scheduler.schedules()[0].next_fire == datetime(2026, 7, 1, 19, 30, tzinfo=UTC)
    assert scheduler.schedules()[0].timezone == "Europe/London"
    clock.now = datetime(2026, 7, 1, 19, 30, 5, tzinfo=UTC)
    scheduler.fire_due()

    assert invoker.events_for("trigger")[0]["scheduled_time"] == "2026-07-01T19:30:00Z"


def test_run_now_fires_with_the_attributes_of_now() -> None:
    clock = Clock(datetime(2026, 12, 5, 9, 15, 42, 987000, tzinfo=UTC))  # a Saturday
    scheduler, invoker = _scheduler(TRIGGER, clock)

    scheduler.run_now(TRIGGER.name)
    scheduler.run_now(TRIGGER.name)

    first, second = invoker.events_for("trigger")
    assert first["scheduled_time"] == "2026-12-05T09:15:42Z"
    assert first["execution"] != second["execution"]  # one id per invocation


def test_a_scheduler_schedule_without_input_sends_an_empty_object() -> None:
    spec = ScheduleSpec("s.F.Daily", "rate(1 day)", "trigger", service="scheduler")
    scheduler, invoker = _scheduler(spec, Clock(datetime(2026, 12, 3, tzinfo=UTC)))

    scheduler.run_now(spec.name)

    assert invoker.events_for("trigger") == [{}]


def test_a_rule_keeps_its_input_as_written() -> None:
    spec = ScheduleSpec("s.Rule.t", "rate(1 day)", "trigger", input=EVERY_ATTRIBUTE)
    scheduler, invoker = _scheduler(spec, Clock(datetime(2026, 12, 3, tzinfo=UTC)))

    scheduler.run_now(spec.name)

    assert invoker.events_for("trigger") == [EVERY_ATTRIBUTE]


def test_a_rule_without_input_sends_the_scheduled_event_naming_its_arn() -> None:
    rule_arn = "arn:aws:events:eu-west-1:123456789012:rule/strongroom-x-Nightly"
    spec = ScheduleSpec("s.F.Nightly", "cron(0 2 * * ? *)", "trigger", arn=rule_arn)
    scheduler, invoker = _scheduler(spec, Clock(datetime(2026, 12, 3, 1, 0, tzinfo=UTC)))

    scheduler.run_now(spec.name)

    (event,) = invoker.events_for("trigger")
    assert event["detail-type"] == "Scheduled Event"
    assert event["resources"] == [rule_arn]
    assert event["time"] == "2026-12-03T01:00:00Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("at <aws.scheduler.scheduled-time>!", "at 2026-12-03T20:30:00Z!"),
        (["<aws.scheduler.attempt-number>", 3, None], ["1", 3, None]),
        ({"<aws.scheduler.execution-id>": {"k": True}}, {"abcdef0123456789": {"k": True}}),
        ("<aws.scheduler.unknown>", "<aws.scheduler.unknown>"),
    ],
)
def test_substitution_reaches_nested_strings_and_keys_only(value: Any, expected: Any) -> None:
    at = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
    attributes = context_attributes(SCHEDULE_ARN, at, execution_id="abcdef0123456789")

    assert substitute(value, attributes) == expected
