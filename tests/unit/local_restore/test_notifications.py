"""SNS deliveries read back from the emulator, and how the CLI shows them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rich.console import Console

from strongroom.cli.notifications_commands import (
    notifications_path,
    notifications_table,
    readable_message,
    topic_name,
)
from strongroom.local.notifications import Delivery, UnknownTopic, deliveries_of
from strongroom.local.s3_restore import RestoreDelay

ALERTS = "arn:aws:sns:eu-west-1:123456789012:alerts"
RESTORED = "arn:aws:sns:eu-west-1:123456789012:restored"


@dataclass
class FakeTopic:
    """moto's Topic as notifications.py reads it: an ARN and what was published to it."""

    arn: str
    sent_notifications: list[tuple[str, str, str | None, dict[str, Any] | None, str | None]] = (
        field(default_factory=list)
    )

    def publish(
        self, message_id: str, message: str, subject: str | None = None, **attributes: Any
    ) -> None:
        self.sent_notifications.append((message_id, message, subject, attributes or None, None))


def _topics() -> list[FakeTopic]:
    restored = FakeTopic(RESTORED)
    alerts = FakeTopic(ALERTS)
    restored.publish("m1", '{"request": "r1"}', "Restore ready")
    alerts.publish("m2", "disk full", None, severity={"Type": "String", "Value": "high"})
    restored.publish("m3", '{"request": "r2"}', "Restore ready")
    return [restored, alerts]


def test_deliveries_come_per_topic_in_publish_order() -> None:
    deliveries = deliveries_of(_topics())

    assert [(d.topic_arn, d.message_id) for d in deliveries] == [
        (ALERTS, "m2"),
        (RESTORED, "m1"),
        (RESTORED, "m3"),
    ]
    assert deliveries[0] == Delivery(
        ALERTS,
        "m2",
        None,
        "disk full",
        {"severity": {"Type": "String", "Value": "high"}},
    )


def test_deliveries_of_one_topic_leave_the_others_out() -> None:
    deliveries = deliveries_of(_topics(), RESTORED)

    assert [d.message_id for d in deliveries] == ["m1", "m3"]
    assert {d.subject for d in deliveries} == {"Restore ready"}


def test_a_topic_that_does_not_exist_is_an_error_not_an_empty_list() -> None:
    with pytest.raises(UnknownTopic, match="no-such-topic"):
        deliveries_of(_topics(), "arn:aws:sns:eu-west-1:123456789012:no-such-topic")


def test_a_topic_with_nothing_published_has_no_deliveries() -> None:
    assert deliveries_of([FakeTopic(ALERTS)], ALERTS) == []


def test_a_delivery_is_a_json_ready_dict() -> None:
    delivery = Delivery(
        RESTORED, "m1", "Restore ready", "{}", {"a": {"Type": "String", "Value": "x"}}
    )

    assert json.loads(json.dumps(delivery.as_dict())) == {
        "topic_arn": RESTORED,
        "message_id": "m1",
        "subject": "Restore ready",
        "message": "{}",
        "attributes": {"a": {"Type": "String", "Value": "x"}},
    }


def test_topic_name_is_the_last_part_of_the_arn() -> None:
    assert topic_name(RESTORED) == "restored"
    assert topic_name("plain") == "plain"


def test_a_json_message_is_indented_and_any_other_message_kept_as_published() -> None:
    assert readable_message('{"b": 1, "a": [1, 2]}') == json.dumps({"b": 1, "a": [1, 2]}, indent=2)
    assert readable_message("disk full") == "disk full"
    assert readable_message("42") == "42"
    assert readable_message('"quoted"') == '"quoted"'


def test_the_topic_filter_survives_the_query_string() -> None:
    path = notifications_path(RESTORED)

    assert urlsplit(path).path == "/notifications"
    assert parse_qs(urlsplit(path).query) == {"topic": [RESTORED]}
    assert notifications_path(None) == "/notifications"


def test_the_table_shows_topic_name_subject_id_and_readable_message() -> None:
    rows = [delivery.as_dict() for delivery in deliveries_of(_topics())]
    console = Console(width=200, record=True)

    console.print(notifications_table(rows))
    text = console.export_text()

    assert "alerts" in text
    assert ALERTS not in text
    assert "Restore ready" in text
    assert '"request": "r2"' in text  # indented JSON, one key per line
    assert "disk full" in text
    lines = text.splitlines()
    assert next(i for i, line in enumerate(lines) if "m1" in line) < next(
        i for i, line in enumerate(lines) if "m3" in line
    )


def test_a_negative_restore_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        RestoreDelay(-1)
