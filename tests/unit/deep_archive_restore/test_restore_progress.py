"""Advancing restore requests: one restore per archive, ranged reads, checks, one notification."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest

from strongroom.deep_archive.domain.restore_header import RestoreHeader
from strongroom.deep_archive.domain.restore_progress import (
    ArchiveObject,
    advance,
    next_step,
)
from strongroom.deep_archive.domain.restores import restored_key

from .archives import ARCHIVE_BUCKET, TOPIC, csv_file, random_file
from .world import RestoreWorld

ARCHIVE_A = "archives/demo/job-1/part-000000.zip"
ARCHIVE_B = "archives/demo/job-1/part-000001.zip"


@pytest.fixture
def world() -> RestoreWorld:
    world = RestoreWorld()
    world.archive(
        ARCHIVE_A,
        [
            csv_file("2025/north/a.csv"),
            random_file("2025/north/b.bin", 3000),
            csv_file("2025/north/c.csv"),
        ],
    )
    world.archive(ARCHIVE_B, [csv_file("2025/south/d.csv"), csv_file("2025/south/e.csv", rows=0)])
    return world


def _states(world: RestoreWorld, restore_id: str) -> dict[str, str]:
    found = world.store.get(restore_id)
    assert found is not None
    return {file.entry.key: file.state for file in found[1]}


@pytest.mark.parametrize(
    ("storage_class", "header", "step"),
    [
        ("DEEP_ARCHIVE", RestoreHeader("absent"), "restore"),
        ("DEEP_ARCHIVE", RestoreHeader("in_progress"), "wait"),
        ("GLACIER", RestoreHeader("in_progress"), "wait"),
        ("DEEP_ARCHIVE", RestoreHeader("available"), "read"),
        ("GLACIER_IR", RestoreHeader("absent"), "read"),
        ("STANDARD_IA", RestoreHeader("absent"), "read"),
    ],
)
def test_next_step_follows_the_restore_state(
    storage_class: str, header: RestoreHeader, step: str
) -> None:
    assert next_step(ArchiveObject(storage_class, header)) == step


def test_a_new_request_is_queued_and_restores_one_archive_for_all_its_files(
    world: RestoreWorld,
) -> None:
    restore_id = world.request("a.csv", "b.bin", "2025/north/c.csv")
    assert world.queue.started == [restore_id]
    report = world.advance(restore_id)
    assert report.outcome == "waiting"
    assert report.restores_requested == 1
    assert world.archives.traffic.restore_requests == [(ARCHIVE_BUCKET, ARCHIVE_A, "Standard", 1)]
    assert set(_states(world, restore_id).values()) == {"RESTORING"}
    assert world.restored.files == {}


def test_rerunning_while_the_restore_runs_joins_it_and_changes_nothing(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv")
    world.advance(restore_id)
    again = world.advance(restore_id)
    assert again.restores_requested == 0
    assert again.restores_joined == 1
    assert len(world.archives.traffic.restore_requests) == 1
    assert world.notifier.messages == []


def test_a_restore_started_elsewhere_is_joined_not_requested_again(world: RestoreWorld) -> None:
    world.archives.request_restore(ARCHIVE_BUCKET, ARCHIVE_A, "Bulk", 1)
    restore_id = world.request("a.csv")
    report = world.advance(restore_id)
    assert (report.restores_requested, report.restores_joined) == (0, 1)


def test_when_the_archive_is_readable_files_are_extracted_byte_identical(
    world: RestoreWorld,
) -> None:
    restore_id = world.request("a.csv", "b.bin", "c.csv")
    world.advance(restore_id)
    world.archives.finish_restores()
    report = world.advance(restore_id)
    assert report.outcome == "notified"
    assert report.files_restored == 3
    for key in ("2025/north/a.csv", "2025/north/b.bin", "2025/north/c.csv"):
        restored = world.restored.files[restored_key(restore_id, key)]
        assert hashlib.sha256(restored.body).digest() == hashlib.sha256(world.sources[key]).digest()
        assert restored.metadata == {"branch": "north"}
    assert world.restored.files[restored_key(restore_id, "2025/north/b.bin")].content_type == (
        "application/octet-stream"
    )


def test_each_file_costs_one_ranged_read_of_its_compressed_bytes(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv", "b.bin")
    world.advance(restore_id)
    world.archives.finish_restores()
    report = world.advance(restore_id)
    found = world.store.get(restore_id)
    assert found is not None
    assert report.ranged_gets == len(world.archives.traffic.ranged_gets) == 2
    assert report.bytes_read == world.archives.traffic.bytes_served
    expected = {
        (
            ARCHIVE_BUCKET,
            ARCHIVE_A,
            file.entry.data_offset,
            file.entry.data_offset + file.entry.compressed_size - 1,
        )
        for file in found[1]
    }
    assert set(world.archives.traffic.ranged_gets) == expected
    assert world.archives.traffic.bytes_served == sum(
        file.entry.compressed_size for file in found[1]
    )


def test_an_already_restored_archive_is_read_at_once(world: RestoreWorld) -> None:
    world.archives.request_restore(ARCHIVE_BUCKET, ARCHIVE_B, "Standard", 1)
    world.archives.finish_restores()
    restore_id = world.request("d.csv")
    report = world.advance(restore_id)
    assert report.outcome == "notified"
    assert report.restores_requested == 0


def test_an_empty_file_is_restored(
    world: RestoreWorld,
) -> None:
    restore_id = world.request("e.csv")
    world.advance(restore_id)
    world.archives.finish_restores()
    world.advance(restore_id)
    assert (
        world.restored.files[restored_key(restore_id, "2025/south/e.csv")].body
        == world.sources["2025/south/e.csv"]
    )


def test_files_in_two_archives_finish_when_both_are_readable(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv", "d.csv")
    report = world.advance(restore_id)
    assert report.restores_requested == 2
    world.archives.finish_restores()
    assert world.advance(restore_id).files_restored == 2
    assert world.notifier.messages[0].topic_arn == TOPIC


def test_a_damaged_byte_fails_only_its_file_and_the_request_is_partial(world: RestoreWorld) -> None:
    [entry_a] = [entry for entry in world.catalog.entries() if entry.key == "2025/north/a.csv"]
    world.archives.damage(ARCHIVE_BUCKET, ARCHIVE_A, entry_a.data_offset + 3)
    restore_id = world.request("a.csv", "b.bin", "c.csv")
    world.advance(restore_id)
    world.archives.finish_restores()
    report = world.advance(restore_id)
    assert (report.files_restored, report.files_failed) == (2, 1)
    assert _states(world, restore_id)["2025/north/a.csv"] == "FAILED"
    assert restored_key(restore_id, "2025/north/a.csv") not in world.restored.files
    found = world.store.get(restore_id)
    assert found is not None
    [failed] = [file for file in found[1] if file.state == "FAILED"]
    assert failed.error is not None
    assert ARCHIVE_A in failed.error
    message = json.loads(world.notifier.messages[0].message)
    assert message["status"] == "PARTIAL"


def test_a_vanished_archive_fails_its_files(world: RestoreWorld) -> None:
    restore_id = world.request("d.csv", "a.csv")
    world.archives.delete(ARCHIVE_BUCKET, ARCHIVE_B)
    world.advance(restore_id)
    assert _states(world, restore_id)["2025/south/d.csv"] == "FAILED"


def test_an_expired_copy_is_restored_again(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv")
    world.advance(restore_id)
    world.archives.finish_restores()
    world.archives.expire_restores()
    report = world.advance(restore_id)
    assert report.restores_requested == 1
    assert _states(world, restore_id) == {"2025/north/a.csv": "RESTORING"}


def test_the_notification_is_sent_once_however_often_it_is_rerun(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv", "d.csv")
    world.advance(restore_id)
    world.archives.finish_restores()
    world.advance(restore_id)
    writes = world.restored.writes
    for _ in range(3):
        assert world.advance(restore_id).outcome == "finished"
    assert len(world.notifier.messages) == 1
    assert world.restored.writes == writes
    assert world.store.open_restore_ids() == []


def test_the_notification_lists_each_file_and_where_to_fetch_it(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv", "d.csv")
    world.advance(restore_id)
    world.archives.finish_restores()
    world.advance(restore_id)
    [published] = world.notifier.messages
    message = json.loads(published.message)
    assert message["restore_id"] == restore_id
    assert message["status"] == "COMPLETED"
    assert message["counts"]["restored"] == 2
    locations = {file["location"] for file in message["files"]}
    assert locations == {
        f"s3://restore-bucket/restores/{restore_id}/2025/north/a.csv",
        f"s3://restore-bucket/restores/{restore_id}/2025/south/d.csv",
    }
    assert "COMPLETED" in published.subject


def test_running_out_of_time_defers_without_losing_work(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv", "b.bin", "c.csv")
    world.advance(restore_id)
    world.archives.finish_restores()
    calls = iter([False, False, True])
    report = advance(restore_id, world.ports, out_of_time=lambda: next(calls, True))
    assert report.outcome == "deferred"
    assert report.files_restored == 1
    assert world.advance(restore_id).outcome == "notified"
    assert set(_states(world, restore_id).values()) == {"RESTORED"}


def test_an_unknown_restore_id_is_reported_not_raised(world: RestoreWorld) -> None:
    assert world.advance("00000000-0000-4000-8000-999999999999").outcome == "unknown"


def test_waiting_requests_are_found_by_their_archive(world: RestoreWorld) -> None:
    first = world.request("a.csv")
    second = world.request("c.csv", "d.csv")
    assert sorted(world.store.waiting_on(ARCHIVE_BUCKET, ARCHIVE_A)) == sorted([first, second])
    assert world.store.waiting_on(ARCHIVE_BUCKET, ARCHIVE_B) == [second]


def test_a_file_another_run_is_extracting_is_left_to_it(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv", "c.csv")
    world.advance(restore_id)
    world.archives.finish_restores()
    now = world.clock()
    assert world.store.claim_extraction(restore_id, 0, now, now + timedelta(minutes=15))

    report = world.advance(restore_id)

    assert (report.files_restored, report.files_skipped) == (1, 1)
    assert world.restored.writes == 1
    assert world.notifier.messages == []
    world.clock.advance(timedelta(minutes=16))
    assert world.advance(restore_id).outcome == "notified"
    assert world.restored.writes == 2


def test_an_archives_event_advances_only_that_archive(world: RestoreWorld) -> None:
    restore_id = world.request("a.csv", "d.csv")
    world.advance(restore_id)
    world.archives.finish_restores()

    report = advance(restore_id, world.ports, archive=(ARCHIVE_BUCKET, ARCHIVE_B))

    assert report.files_restored == 1
    assert _states(world, restore_id) == {
        "2025/north/a.csv": "RESTORING",
        "2025/south/d.csv": "RESTORED",
    }
    assert (
        advance(restore_id, world.ports, archive=(ARCHIVE_BUCKET, ARCHIVE_A)).outcome == "notified"
    )
