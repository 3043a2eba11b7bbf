"""The time budget: Lambda's remaining time less the margin."""

from __future__ import annotations

from strongroom.trigger_archive.domain import TimeBudget


def test_work_may_start_while_more_than_the_margin_is_left() -> None:
    assert TimeBudget(remaining_ms=lambda: 61_000, margin_s=60).allows_start()
    assert not TimeBudget(remaining_ms=lambda: 60_000, margin_s=60).allows_start()


def test_seconds_left_is_what_remains_after_the_margin() -> None:
    assert TimeBudget(remaining_ms=lambda: 90_500, margin_s=60).seconds_left() == 30.5
    assert TimeBudget(remaining_ms=lambda: 1_000, margin_s=60).seconds_left() == -59.0
