from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from strongroom.local.schedules.expressions import InvalidScheduleExpression
from strongroom.local.schedules.scheduler import LocalScheduler, UnknownScheduleError
from strongroom.local.specs import ScheduleSpec
from tests.unit.local_gateway.fakes import RecordingInvoker

MONTHLY = ScheduleSpec("archive.PackerFunction.Monthly", "cron(0 3 10 * ? *)", "packer")
EVERY_FIVE = ScheduleSpec("audit.Sweeper.Every5", "rate(5 minutes)", "sweeper")
PAUSED = ScheduleSpec("trigger.Daily.Nightly", "cron(0 2 * * ? *)", "nightly", enabled=False)
WITH_INPUT = ScheduleSpec(
    "sox.Extract.Monthly", "cron(0 6 1 * ? *)", "extract", input={"period": "previous-month"}
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 1, 15, 12, 0, 30, 123456, tzinfo=UTC))


@pytest.fixture
def invoker() -> RecordingInvoker:
    return RecordingInvoker(
        {name: (lambda event: None) for name in ("packer", "sweeper", "nightly", "extract")}
    )


@pytest.fixture
def log() -> list[str]:
    return []


@pytest.fixture
def scheduler(clock: Clock, invoker: RecordingInvoker, log: list[str]) -> LocalScheduler:
    return LocalScheduler(
        [MONTHLY, EVERY_FIVE, PAUSED, WITH_INPUT],
        invoker,
        region="eu-west-1",
        account_id="123456789012",
        clock=clock,
        on_invocation=log.append,
    )


def status(scheduler: LocalScheduler, name: str) -> Any:
    return next(s for s in scheduler.schedules() if s.name == name)


def test_lists_every_schedule_with_its_next_fire_time(scheduler: LocalScheduler) -> None:
    listed = {s.name: s for s in scheduler.schedules()}

    assert set(listed) == {MONTHLY.name, EVERY_FIVE.name, PAUSED.name, WITH_INPUT.name}
    assert listed[MONTHLY.name].next_fire == datetime(2024, 2, 10, 3, 0, tzinfo=UTC)
    assert listed[MONTHLY.name].expression == "cron(0 3 10 * ? *)"
    assert listed[MONTHLY.name].function_name == "packer"
    assert listed[EVERY_FIVE.name].next_fire == datetime(2024, 1, 15, 12, 5, 30, 123456, tzinfo=UTC)
    assert listed[PAUSED.name].enabled is False
    assert listed[PAUSED.name].next_fire is None
    assert all(s.last_fired is None for s in listed.values())


def test_run_now_delivers_the_eventbridge_scheduled_event(
    scheduler: LocalScheduler, invoker: RecordingInvoker, log: list[str]
) -> None:
    result = scheduler.run_now(MONTHLY.name)

    assert result.ok
    (event,) = invoker.events_for("packer")
    assert uuid.UUID(event.pop("id"))
    assert event == {
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2024-01-15T12:00:30Z",
        "region": "eu-west-1",
        "resources": ["arn:aws:events:eu-west-1:123456789012:rule/archive.PackerFunction.Monthly"],
        "detail": {},
    }
    assert status(scheduler, MONTHLY.name).last_fired == datetime(
        2024, 1, 15, 12, 0, 30, tzinfo=UTC
    )
    assert status(scheduler, MONTHLY.name).next_fire == datetime(2024, 2, 10, 3, 0, tzinfo=UTC)
    (line,) = log
    assert line.startswith("schedule archive.PackerFunction.Monthly -> packer ok (")


def test_run_now_fires_a_disabled_schedule_too(
    scheduler: LocalScheduler, invoker: RecordingInvoker
) -> None:
    scheduler.run_now(PAUSED.name)

    assert len(invoker.events_for("nightly")) == 1


def test_schedule_input_replaces_the_event(
    scheduler: LocalScheduler, invoker: RecordingInvoker
) -> None:
    scheduler.run_now(WITH_INPUT.name)

    assert invoker.events_for("extract") == [{"period": "previous-month"}]


def test_unknown_schedule_names_the_known_ones(scheduler: LocalScheduler) -> None:
    with pytest.raises(UnknownScheduleError) as raised:
        scheduler.run_now("nope")

    assert isinstance(raised.value, KeyError)
    assert str(raised.value).startswith("no schedule named 'nope' (known: archive.Packer")


def test_fire_due_fires_at_the_scheduled_time_and_moves_on(
    scheduler: LocalScheduler, invoker: RecordingInvoker, clock: Clock
) -> None:
    assert scheduler.fire_due() == []

    clock.now = datetime(2024, 2, 10, 3, 0, 2, tzinfo=UTC)
    fired = scheduler.fire_due()

    assert sorted(r.function_name for r in fired) == ["extract", "packer", "sweeper"]
    (event,) = invoker.events_for("packer")
    assert event["time"] == "2024-02-10T03:00:00Z"  # the scheduled time, not the clock's
    assert status(scheduler, MONTHLY.name).next_fire == datetime(2024, 3, 10, 3, 0, tzinfo=UTC)
    assert status(scheduler, MONTHLY.name).last_fired == datetime(2024, 2, 10, 3, 0, tzinfo=UTC)
    # The rate schedule missed many periods while the clock jumped: it fires once, then
    # carries on from now rather than replaying them.
    assert len(invoker.events_for("sweeper")) == 1
    assert status(scheduler, EVERY_FIVE.name).next_fire == clock.now + timedelta(minutes=5)
    assert invoker.events_for("nightly") == []
    assert scheduler.fire_due() == []


def test_rate_schedule_keeps_its_cadence(
    scheduler: LocalScheduler, invoker: RecordingInvoker, clock: Clock
) -> None:
    first = status(scheduler, EVERY_FIVE.name).next_fire

    clock.now = first + timedelta(seconds=1)
    scheduler.fire_due()

    assert status(scheduler, EVERY_FIVE.name).next_fire == first + timedelta(minutes=5)


def test_invalid_expression_names_the_schedule(invoker: RecordingInvoker) -> None:
    broken = ScheduleSpec("audit.Sweeper.Bad", "cron(0 3 * * * *)", "sweeper")

    with pytest.raises(InvalidScheduleExpression, match=r"schedule audit\.Sweeper\.Bad: "):
        LocalScheduler([broken], invoker, region="eu-west-1", account_id="123456789012")


def test_duplicate_names_are_rejected(invoker: RecordingInvoker) -> None:
    with pytest.raises(ValueError, match="two schedules are named"):
        LocalScheduler([MONTHLY, MONTHLY], invoker, region="eu-west-1", account_id="1")
