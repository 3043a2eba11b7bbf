"""Which keys of the bucket are a day's archived trigger responses."""

from __future__ import annotations

from datetime import date

import pytest

from strongroom.cli.triggers_store import client_of

DAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("key", "client_id"),
    [
        ("trigger/42/42_trigger_20261203.json", 42),
        ("trigger/0/0_trigger_20261203.json", 0),
        ("trigger/42/42_trigger_20261204.json", None),
        ("trigger/42/43_trigger_20261203.json", None),
        ("trigger/042/042_trigger_20261203.json", None),
        ("trigger/x/x_trigger_20261203.json", None),
        ("runs/2026-12-03/42_trigger_20261203.json", None),
        ("trigger/42/sub/42_trigger_20261203.json", None),
    ],
)
def test_only_the_seeds_key_for_the_day_counts(key: str, client_id: int | None) -> None:
    assert client_of(key, DAY) == client_id
