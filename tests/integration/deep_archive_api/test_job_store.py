"""The JobStore contract, against the Jobs table in moto and against the in-memory fake."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from strongroom.deep_archive.adapters.in_memory_jobs import InMemoryJobStore
from strongroom.deep_archive.adapters.job_store import (
    MAX_ERROR_LENGTH,
    MAX_ERRORS,
    DynamoDBJobStore,
    JobAlreadyExists,
    JobNotFound,
    JobStore,
    StatusConflict,
)
from strongroom.deep_archive.domain.job_records import ArchiveCheckpoint, ArchiveState, JobStatus
from strongroom.deep_archive.services.archive_jobs import start_job
from tests.integration.deep_archive_api.conftest import AtomicCalls
from tests.integration.deep_archive_api.tables import DeepArchiveTables
from tests.unit.deep_archive_api.support import (
    START,
    Clock,
    fakes,
    finance_project,
    job_record,
    job_settings,
)

pytestmark = pytest.mark.integration

RUN_PREFIX = "daily/202611"
LATER = START + timedelta(hours=1)  # the stores' clock: changes happen after creation


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest) -> JobStore:
    if request.param == "memory":
        return InMemoryJobStore(clock=Clock(LATER))
    tables: DeepArchiveTables = request.getfixturevalue("tables")
    client = AtomicCalls(request.getfixturevalue("dynamodb"))
    return DynamoDBJobStore(tables.jobs, client, clock=Clock(LATER))  # type: ignore[arg-type]


def checkpoint(index: int, state: ArchiveState = ArchiveState.UPLOADED) -> ArchiveCheckpoint:
    return ArchiveCheckpoint(
        index=index,
        archive_key=f"finance-archive/archive-{index:06d}.zip",
        manifest_key=f"finance-archive/archive-{index:06d}.jsonl",
        state=state,
        members=10,
        member_bytes=1_000,
        archive_bytes=1_500,
        etag='"abc-2"',
        checksum_sha256="0" * 64,
        failed_keys=["daily/202611/bad.csv"] if index == 2 else [],
        updated_at=START,
    )


def in_threads(count: int, work: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=work, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def stored(store: JobStore, job_id: str = "job-1") -> Any:
    record = store.get(job_id)
    assert record is not None
    return record


def test_a_job_reads_back_as_created(store: JobStore) -> None:
    record = job_record("job-1")

    store.create(record)

    assert store.get("job-1") == record
    assert store.get("job-2") is None


def test_a_job_id_is_created_once(store: JobStore) -> None:
    store.create(job_record("job-1"))

    with pytest.raises(JobAlreadyExists):
        store.create(job_record("job-1", status=JobStatus.FAILED))
    assert stored(store).status is JobStatus.SUBMITTED


def test_the_status_moves_only_from_an_allowed_one(store: JobStore) -> None:
    store.create(job_record("job-1"))

    store.set_status("job-1", JobStatus.PLANNING, allowed_from={JobStatus.SUBMITTED})
    with pytest.raises(StatusConflict, match="PACKING only from SUBMITTED"):
        store.set_status("job-1", JobStatus.PACKING, allowed_from={JobStatus.SUBMITTED})

    record = stored(store)
    assert record.status is JobStatus.PLANNING
    assert record.updated_at > record.created_at


def test_a_failure_reason_is_kept_and_cleared_by_the_next_status(store: JobStore) -> None:
    store.create(job_record("job-1"))

    store.set_status(
        "job-1", JobStatus.FAILED, allowed_from={JobStatus.SUBMITTED}, reason="queue disabled"
    )
    assert stored(store).status_reason == "queue disabled"
    store.set_status("job-1", JobStatus.SUBMITTED, allowed_from={JobStatus.FAILED})
    assert stored(store).status_reason is None


def test_changing_an_unknown_job_is_job_not_found(store: JobStore) -> None:
    with pytest.raises(JobNotFound):
        store.set_status("nope", JobStatus.FAILED, allowed_from={JobStatus.SUBMITTED})
    with pytest.raises(JobNotFound):
        store.add_counts("nope", files_listed=1)
    with pytest.raises(JobNotFound):
        store.append_errors("nope", ["x"])
    with pytest.raises(JobNotFound):
        store.add_batch_job_id("nope", "batch-1")
    assert store.get("nope") is None


def test_counts_add_up(store: JobStore) -> None:
    store.create(job_record("job-1"))

    store.add_counts("job-1", files_archived=3, bytes_archived=300)
    store.add_counts("job-1", files_archived=2, files_failed=1)

    counts = stored(store).counts
    assert (counts.files_archived, counts.bytes_archived, counts.files_failed) == (5, 300, 1)


def test_an_unknown_counter_is_refused(store: JobStore) -> None:
    store.create(job_record("job-1"))

    with pytest.raises(ValueError, match="not job counters: file_archived"):
        store.add_counts("job-1", file_archived=1)


def test_concurrent_packers_lose_no_count(store: JobStore) -> None:
    store.create(job_record("job-1"))

    def pack(_: int) -> None:
        for _ in range(25):
            store.add_counts("job-1", files_archived=1, bytes_archived=1_000)

    in_threads(8, pack)

    counts = stored(store).counts
    assert (counts.files_archived, counts.bytes_archived) == (200, 200_000)


def test_a_plan_sets_its_counters_and_keeps_packing_progress(store: JobStore) -> None:
    store.create(job_record("job-1"))
    store.add_counts("job-1", files_archived=4)

    store.set_plan(
        "job-1",
        counts={"files_listed": 12, "files_planned": 10, "archives_planned": 2},
        archive_keys=["a/archive-000000.zip", "a/archive-000001.zip"],
        estimate={"storage_usd_month": 0.0123, "archives": 2},
    )

    record = stored(store)
    assert (record.counts.files_listed, record.counts.files_planned) == (12, 10)
    assert record.counts.files_archived == 4
    assert record.archives == ["a/archive-000000.zip", "a/archive-000001.zip"]
    assert record.estimate == {"storage_usd_month": 0.0123, "archives": 2}


def test_errors_are_kept_up_to_the_limit_and_the_rest_counted(store: JobStore) -> None:
    store.create(job_record("job-1"))

    store.append_errors("job-1", [f"error {n}" for n in range(60)])
    store.append_errors("job-1", [f"error {n}" for n in range(60, 130)])
    store.append_errors("job-1", ["one more", "x" * (MAX_ERROR_LENGTH + 50)])

    record = stored(store)
    assert record.errors == [f"error {n}" for n in range(MAX_ERRORS)]
    assert record.errors_truncated == 32


def test_a_long_error_is_clipped(store: JobStore) -> None:
    store.create(job_record("job-1"))

    store.append_errors("job-1", ["x" * (MAX_ERROR_LENGTH + 50)])

    assert stored(store).errors == ["x" * MAX_ERROR_LENGTH]


def test_concurrent_errors_are_each_kept_or_counted(store: JobStore) -> None:
    store.create(job_record("job-1"))

    def fail(worker: int) -> None:
        for batch in range(10):
            store.append_errors("job-1", [f"w{worker} b{batch} e{n}" for n in range(3)])

    in_threads(5, fail)

    record = stored(store)
    assert len(record.errors) == MAX_ERRORS
    assert len(set(record.errors)) == MAX_ERRORS
    assert record.errors_truncated == 5 * 10 * 3 - MAX_ERRORS


def test_batch_job_ids_accumulate(store: JobStore) -> None:
    store.create(job_record("job-1"))

    store.add_batch_job_id("job-1", "planner")
    store.add_batch_job_id("job-1", "packers")

    assert stored(store).batch_job_ids == ["planner", "packers"]


def test_checkpoints_round_trip_and_list_by_index(store: JobStore) -> None:
    store.create(job_record("job-1"))
    for index in (10, 2, 1):
        store.put_checkpoint("job-1", checkpoint(index))
    store.put_checkpoint("job-1", checkpoint(2, ArchiveState.CATALOGUED))
    store.put_checkpoint("job-2", checkpoint(1))

    assert store.get_checkpoint("job-1", 2) == checkpoint(2, ArchiveState.CATALOGUED)
    assert store.get_checkpoint("job-1", 3) is None
    assert [c.index for c in store.list_checkpoints("job-1")] == [1, 2, 10]
    assert store.list_checkpoints("job-3") == []
    # A checkpoint is not a job.
    assert stored(store).status is JobStatus.SUBMITTED


def test_the_latest_job_of_a_run_key(store: JobStore) -> None:
    assert store.latest_for_run_key(f"finance#finance-reports-src#{RUN_PREFIX}") is None
    for number, hours in enumerate((0, 5, 2)):
        store.create(
            job_record(
                f"job-{number}",
                created_at=datetime(2026, 12, 1, tzinfo=UTC) + timedelta(hours=hours),
                prefix=RUN_PREFIX,
                status=JobStatus.FAILED,
            )
        )
    store.create(
        job_record(
            "other",
            created_at=datetime(2026, 12, 2, tzinfo=UTC),
            prefix="monthly/202611",
        )
    )
    store.put_checkpoint("job-1", checkpoint(0))

    latest = store.latest_for_run_key(f"finance#finance-reports-src#{RUN_PREFIX}")

    assert latest is not None
    assert latest.job_id == "job-1"
    assert latest == store.get("job-1")


def test_a_run_key_is_claimed_by_one_job_at_a_time(store: JobStore) -> None:
    assert store.run_holder("finance#bucket#daily/") is None
    assert store.claim_run("finance#bucket#daily/", "first", replacing=None)
    # A second request that also saw no holder loses the race.
    assert not store.claim_run("finance#bucket#daily/", "second", replacing=None)
    # Once the first finished, a request that saw it as the holder takes over; a stale one not.
    assert store.claim_run("finance#bucket#daily/", "third", replacing="first")
    assert not store.claim_run("finance#bucket#daily/", "fourth", replacing="first")

    assert store.run_holder("finance#bucket#daily/") == "third"
    assert store.run_holder("finance#bucket#other/") is None


def test_a_claim_is_released_only_by_its_holder(store: JobStore) -> None:
    assert store.claim_run("finance#bucket#daily/", "first", replacing=None)

    store.release_run("finance#bucket#daily/", "someone-else")
    assert store.run_holder("finance#bucket#daily/") == "first"

    store.release_run("finance#bucket#daily/", "first")
    assert store.run_holder("finance#bucket#daily/") is None
    assert store.claim_run("finance#bucket#daily/", "second", replacing=None)


def test_a_record_the_table_refuses_leaves_no_claim(store: JobStore) -> None:
    """A record DynamoDB cannot hold (a number over 38 digits) fails after the claim."""
    bound = fakes(finance_project())
    bound.ports.jobs = store

    with pytest.raises(Exception):  # noqa: B017, PT011 - the codec's or DynamoDB's refusal
        start_job(bound.ports, job_settings(expected_files=10**38))

    assert store.run_holder(job_settings().run_key) is None
    assert start_job(bound.ports, job_settings()).status is JobStatus.SUBMITTED
