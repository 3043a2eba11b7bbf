"""Restores shown from the API's own answers: tables, summaries, refusals, exit codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from strongroom.cli.archive_watch import follow
from strongroom.cli.restore_views import (
    EXIT_COMPLETED,
    EXIT_NOT_COMPLETED,
    EXIT_TIMED_OUT,
    RestoreBody,
    accepted_report,
    counts_line,
    is_final,
    notification_line,
    restore_error_message,
    restore_exit_code,
    restore_report,
)
from strongroom.deep_archive.domain.restore_progress import NOT_STARTED
from tests.unit.deep_archive_restore.archives import TOPIC
from tests.unit.deep_archive_restore.world import RestoreWorld, call

from .support import advance, rendered, restore_body, words

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")


def request(world: RestoreWorld, **changes: object) -> str:
    status, accepted = call("POST", "/restore", restore_body(**changes))
    assert status == 202, accepted
    return str(accepted["restore_id"])


def test_the_accepted_answer_shows_the_id_and_the_resolved_files(world: RestoreWorld) -> None:
    status, accepted = call("POST", "/restore", restore_body(filename=None, files=["b.csv"]))
    assert status == 202

    text = rendered(accepted_report(accepted))

    assert accepted["restore_id"] in text
    assert "ACCEPTED" in text
    assert "Standard" in text
    assert "b.csv" in text
    assert "s3://source-bucket/2025/b.csv" in text
    assert "PENDING" in text


def test_a_completed_restore_shows_where_each_file_is_and_the_message_id(
    world: RestoreWorld,
) -> None:
    restore_id = request(world, filename=None, files=["b.csv", "2025/north/a.csv"])
    advance(world, restore_id)
    world.archives.finish_restores()
    advance(world, restore_id)
    _, body = call("GET", f"/restores/{restore_id}")

    text = rendered(restore_report(body))

    assert body["status"] == "COMPLETED"
    assert "COMPLETED" in text
    assert "2 of 2 restored, 0 failed, 0 restoring, 0 pending" in text
    assert f"SENT, message id {body['notification']['message_id']}" in text
    assert f"s3://restore-bucket/restores/{restore_id}/2025/b.csv" in text
    assert f"s3://restore-bucket/restores/{restore_id}/2025/north/a.csv" in text
    assert TOPIC in text


def test_a_restore_in_progress_says_the_notification_is_still_to_come(
    world: RestoreWorld,
) -> None:
    restore_id = request(world)
    advance(world, restore_id)
    _, body = call("GET", f"/restores/{restore_id}")

    text = rendered(restore_report(body))

    assert body["status"] == "RESTORING"
    assert not is_final(body)
    assert "RESTORING" in text
    assert "0 of 1 restored, 0 failed, 1 restoring, 0 pending" in text
    assert "not sent yet" in text


def test_a_partial_restore_shows_the_failed_files_reason(world: RestoreWorld) -> None:
    restore_id = request(world, filename=None, files=["b.csv", "2025/south/a.csv"])
    world.store.set_file_state(
        restore_id, 1, "FAILED", expected=NOT_STARTED, error="CRC-32 mismatch at byte 9"
    )
    world.archives.request_restore(
        "archive-bucket", "archives/demo/job-1/part-000000.zip", "Standard", 1
    )
    world.archives.finish_restores()
    advance(world, restore_id)
    _, body = call("GET", f"/restores/{restore_id}")

    text = rendered(restore_report(body))

    assert body["status"] == "PARTIAL"
    assert is_final(body)
    assert "1 of 2 restored, 1 failed" in text
    assert "CRC-32 mismatch at byte 9" in text
    assert restore_exit_code(body["status"]) == EXIT_NOT_COMPLETED


def test_a_notification_being_sent_shows_since_when() -> None:
    line = notification_line({"state": "SENDING", "claimed_at": "2026-11-22T03:00:00.000Z"})
    assert line == "SENDING since 2026-11-22T03:00:00.000Z"


def test_missing_counts_read_as_zero() -> None:
    assert counts_line({}) == "0 of 0 restored, 0 failed, 0 restoring, 0 pending"


@pytest.mark.parametrize(
    ("status", "timed_out", "code"),
    [
        ("COMPLETED", False, EXIT_COMPLETED),
        ("PARTIAL", False, EXIT_NOT_COMPLETED),
        ("FAILED", False, EXIT_NOT_COMPLETED),
        ("RESTORING", True, EXIT_TIMED_OUT),
        ("ACCEPTED", True, EXIT_TIMED_OUT),
        ("RESTORING", False, EXIT_COMPLETED),
    ],
)
def test_exit_codes(status: str, timed_out: bool, code: int) -> None:
    assert restore_exit_code(status, timed_out=timed_out) == code


def test_an_unknown_name_is_listed(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", restore_body(filename=None, files=["b.csv", "x.csv"]))

    message = restore_error_message(status, body)

    assert message.splitlines() == [
        "HTTP 404: no archived file of project 'demo' matches 'x.csv'",
        "not archived in project 'demo':",
        "  x.csv",
    ]


def test_an_ambiguous_name_lists_every_key_it_matches(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", restore_body(filename="a.csv"))

    lines = restore_error_message(status, body).splitlines()

    assert lines[0].startswith("HTTP 409: name each file by its full key")
    assert lines[1:] == [
        "'a.csv' matches 2 archived files, name one by its key:",
        "  2025/north/a.csv",
        "  2025/south/a.csv",
    ]


def test_a_tier_not_offered_lists_the_allowed_tiers(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", restore_body(retrieval_tier="Expedited"))

    lines = restore_error_message(status, body).splitlines()

    assert lines[0].startswith("HTTP 400: retrieval_tier 'Expedited' is not offered")
    assert lines[-1] == "--tier for DEEP_ARCHIVE archives: one of Standard, Bulk"


def test_an_unregistered_topic_lists_the_registered_ones(world: RestoreWorld) -> None:
    other = "arn:aws:sns:eu-west-1:123456789012:other"
    status, body = call("POST", "/restore", restore_body(sns_topic_arn=other))

    lines = restore_error_message(status, body).splitlines()

    assert lines[0].startswith("HTTP 403: sns_topic_arn")
    assert lines[-1] == f"--topic: one of {TOPIC}"


def test_an_unregistered_project_says_so(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", restore_body(project_name="payroll"))

    assert restore_error_message(status, body) == "HTTP 403: project 'payroll' is not registered"


def test_an_invalid_field_is_named_by_its_option(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", restore_body(region="ap-south-1"))

    message = words(restore_error_message(status, body))

    assert message.startswith("HTTP 422: invalid request: --region (body.region):")
    assert "'ap-south-1'" in message


def test_the_gateways_refusal_names_the_scopes() -> None:
    message = restore_error_message(403, {"message": "Forbidden"})
    assert "deep_archive/restore" in message
    assert "deep_archive/read" in message


def test_an_unknown_restore_is_a_404(world: RestoreWorld) -> None:
    status, body = call("GET", "/restores/00000000-0000-4000-8000-000000000777")

    assert restore_error_message(status, body).startswith("HTTP 404: no restore request")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_following_stops_at_the_first_final_status() -> None:
    answers: Iterator[RestoreBody] = iter(
        [{"status": "ACCEPTED"}, {"status": "RESTORING"}, {"status": "COMPLETED"}, {"x": 1}]
    )
    seen: list[RestoreBody] = []
    clock = FakeClock()

    final, timed_out = follow(
        lambda: next(answers),
        seen.append,
        is_final,
        interval=2,
        timeout=60,
        sleep=clock.sleep,
        clock=clock,
    )

    assert final == {"status": "COMPLETED"}
    assert not timed_out
    assert [body["status"] for body in seen] == ["ACCEPTED", "RESTORING", "COMPLETED"]
    assert clock.sleeps == [2, 2]


def test_following_gives_up_at_the_timeout_with_the_last_answer() -> None:
    clock = FakeClock()

    final, timed_out = follow(
        lambda: {"status": "RESTORING", "at": clock.now},
        lambda _: None,
        is_final,
        interval=2,
        timeout=5,
        sleep=clock.sleep,
        clock=clock,
    )

    assert timed_out
    assert final == {"status": "RESTORING", "at": 5}
    assert clock.sleeps == [2, 2, 1]
