"""Fires each enabled schedule at its next time with the event its AWS service would send.

An EventBridge rule fires in UTC with EventBridge's scheduled event (or its fixed Input); an
EventBridge Scheduler schedule fires in its time zone with its Input, context attributes
replaced.

Like EventBridge, the scheduler hands the event over and moves on: each fire runs in its
own thread, so a slow function never delays another schedule, and fire times missed while
the process was not running are not made up.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from strongroom.core.timefmt import utc_now
from strongroom.local.schedules.context_attributes import context_attributes, substitute
from strongroom.local.schedules.expressions import (
    InvalidScheduleExpression,
    ScheduleExpression,
    parse_schedule,
)
from strongroom.local.specs import InvocationResult, Invoker, ScheduleSpec

_MAX_SLEEP_SECONDS = 1.0  # re-read the clock at least this often (an injected clock may jump)
_JOIN_TIMEOUT_SECONDS = 5.0

_logger = logging.getLogger(__name__)


class UnknownScheduleError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class ScheduleStatus:
    name: str
    expression: str
    function_name: str
    enabled: bool
    next_fire: datetime | None
    last_fired: datetime | None
    timezone: str = "UTC"


@dataclass
class _Entry:
    spec: ScheduleSpec
    expression: ScheduleExpression
    next_fire: datetime | None
    last_fired: datetime | None = None


def scheduled_event(
    spec: ScheduleSpec, scheduled_at: datetime, *, region: str, account_id: str
) -> Any:
    """What the schedule's service hands the function for the fire due at ``scheduled_at``."""
    if spec.service == "scheduler":
        return _scheduler_input(spec, scheduled_at, region=region, account_id=account_id)
    if spec.input is not None:
        return dict(spec.input)
    rule_arn = spec.arn or f"arn:aws:events:{region}:{account_id}:rule/{spec.name}"
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": scheduled_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def _scheduler_input(
    spec: ScheduleSpec, scheduled_at: datetime, *, region: str, account_id: str
) -> Any:
    """The schedule's Input with its context attributes replaced. For a target without Input,
    AWS documents only that Scheduler "delivers a default notification to the target", not
    its shape: the function gets an empty object, as Lambda targets are reported to."""
    if spec.input is None:
        return {}
    schedule_arn = (
        spec.arn or f"arn:aws:scheduler:{region}:{account_id}:schedule/default/{spec.name}"
    )
    return substitute(dict(spec.input), context_attributes(schedule_arn, scheduled_at))


class LocalScheduler:
    def __init__(
        self,
        specs: Sequence[ScheduleSpec],
        invoker: Invoker,
        *,
        region: str,
        account_id: str,
        clock: Callable[[], datetime] = utc_now,
        on_invocation: Callable[[str], None] | None = None,
    ) -> None:
        self._invoker = invoker
        self._region = region
        self._account_id = account_id
        self._clock = clock
        self._on_invocation = on_invocation
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._entries = _entries(specs, clock())

    def schedules(self) -> list[ScheduleStatus]:
        with self._lock:
            return [
                ScheduleStatus(
                    name=entry.spec.name,
                    expression=entry.spec.expression,
                    function_name=entry.spec.function_name,
                    enabled=entry.spec.enabled,
                    next_fire=entry.next_fire,
                    last_fired=entry.last_fired,
                    timezone=entry.spec.timezone,
                )
                for entry in self._entries.values()
            ]

    def run_now(self, name: str) -> InvocationResult:
        """Fire ``name`` once, now, whether enabled or not; its regular times are unchanged."""
        entry = self._entries.get(name)
        if entry is None:
            known = ", ".join(sorted(self._entries)) or "none"
            raise UnknownScheduleError(f"no schedule named {name!r} (known: {known})")
        return self._fire(entry, self._clock().replace(microsecond=0))

    def fire_due(self) -> list[InvocationResult]:
        """Fire, one after the other, every enabled schedule whose time has come."""
        return [self._fire(entry, at) for entry, at in self._take_due(self._clock())]

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the scheduler is already started")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="local-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=_JOIN_TIMEOUT_SECONDS)
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            for entry, at in self._take_due(self._clock()):
                threading.Thread(
                    target=self._fire_logged,
                    args=(entry, at),
                    name=f"schedule-{entry.spec.name}",
                    daemon=True,
                ).start()
            self._stopping.wait(self._seconds_until_next_fire())

    def _take_due(self, now: datetime) -> list[tuple[_Entry, datetime]]:
        due: list[tuple[_Entry, datetime]] = []
        with self._lock:
            for entry in self._entries.values():
                if entry.next_fire is None or entry.next_fire > now:
                    continue
                due.append((entry, entry.next_fire))
                following = entry.expression.next_after(entry.next_fire)
                if following is not None and following <= now:
                    following = entry.expression.next_after(now)  # skip missed times
                entry.next_fire = following
        return due

    def _seconds_until_next_fire(self) -> float:
        with self._lock:
            upcoming = [e.next_fire for e in self._entries.values() if e.next_fire is not None]
        if not upcoming:
            return _MAX_SLEEP_SECONDS
        wait = (min(upcoming) - self._clock()).total_seconds()
        return min(max(wait, 0.0), _MAX_SLEEP_SECONDS)

    def _fire_logged(self, entry: _Entry, scheduled_at: datetime) -> None:
        try:
            self._fire(entry, scheduled_at)
        except Exception:
            _logger.exception(
                "schedule %s: invoking %s failed", entry.spec.name, entry.spec.function_name
            )

    def _fire(self, entry: _Entry, scheduled_at: datetime) -> InvocationResult:
        spec = entry.spec
        event = scheduled_event(
            spec, scheduled_at, region=self._region, account_id=self._account_id
        )
        with self._lock:
            entry.last_fired = scheduled_at
        started = time.perf_counter()
        result = self._invoker.invoke(spec.function_name, event)
        elapsed_ms = (time.perf_counter() - started) * 1000
        outcome = "ok"
        if result.error is not None:
            outcome = f"error {result.error.error_type}"
            _logger.warning(
                "schedule %s: %s failed: %s", spec.name, spec.function_name, result.error.message
            )
        if self._on_invocation is not None:
            self._on_invocation(
                f"schedule {spec.name} -> {spec.function_name} {outcome} ({elapsed_ms:.0f} ms)"
            )
        return result


def _entries(specs: Sequence[ScheduleSpec], now: datetime) -> Mapping[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for spec in specs:
        if spec.name in entries:
            raise ValueError(f"two schedules are named {spec.name!r}")
        try:
            expression = parse_schedule(spec.expression, spec.timezone)
        except InvalidScheduleExpression as error:
            raise InvalidScheduleExpression(f"schedule {spec.name}: {error}") from None
        next_fire = expression.next_after(now) if spec.enabled else None
        entries[spec.name] = _Entry(spec, expression, next_fire)
    return entries
