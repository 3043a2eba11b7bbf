"""Trigger bodies: realistic JSON, the same bytes for the same call, new ones per revision."""

from __future__ import annotations

import json
from datetime import date

from strongroom.local.standins.dex_payloads import TRIGGER_TYPES, trigger_body

DAY = date(2024, 11, 27)


def test_the_same_client_date_and_revision_give_the_same_bytes() -> None:
    assert trigger_body(1001, DAY, 0) == trigger_body(1001, DAY, 0)


def test_client_date_and_revision_each_change_the_body() -> None:
    bodies = {
        trigger_body(1001, DAY, 0),
        trigger_body(1002, DAY, 0),
        trigger_body(1001, date(2024, 11, 28), 0),
        trigger_body(1001, DAY, 1),
    }

    assert len(bodies) == 4


def test_a_body_is_a_trigger_file_for_its_client_and_date() -> None:
    document = json.loads(trigger_body(1001, DAY, 2))

    assert (document["clientId"], document["triggerDate"], document["revision"]) == (
        1001,
        "2024-11-27",
        2,
    )
    triggers = document["triggers"]
    assert 1 <= len(triggers) == document["recordCount"] <= 5
    for record in triggers:
        assert record["triggerId"].startswith("TRG-1001-20241127-")
        assert record["type"] in TRIGGER_TYPES
        assert record["occurredAt"].startswith("2024-11-27T")
    assert len({record["triggerId"] for record in triggers}) == len(triggers)
