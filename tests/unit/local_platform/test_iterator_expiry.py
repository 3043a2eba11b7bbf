"""Old shard iterators are forgotten; new ones and the ones in use are kept."""

from __future__ import annotations

from typing import Any

from strongroom.local.iterator_expiry import IteratorExpiry


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_iterators_older_than_the_lifetime_are_removed_and_younger_ones_kept() -> None:
    table: dict[str, Any] = {"old": object()}
    clock = Clock()
    expiry = IteratorExpiry(lambda: [table], lifetime_seconds=900, clock=clock)

    expiry.sweep()
    clock.now = 600
    table["young"] = object()
    expiry.sweep()
    clock.now = 901

    assert expiry.sweep() == 1
    assert set(table) == {"young"}
    clock.now = 1502
    assert expiry.sweep() == 1
    assert table == {}


def test_an_iterator_is_aged_from_when_it_was_first_seen() -> None:
    table: dict[str, Any] = {}
    clock = Clock()
    expiry = IteratorExpiry(lambda: [table], lifetime_seconds=900, clock=clock)
    clock.now = 1000
    table["late"] = object()

    assert expiry.sweep() == 0
    clock.now = 1800
    assert expiry.sweep() == 0
    assert "late" in table
