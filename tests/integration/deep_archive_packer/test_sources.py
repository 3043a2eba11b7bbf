"""What happens to source files: unchanged ones are not archived twice, changed ones are never
archived under a stale listing, and deletion only removes exactly what was archived."""

from __future__ import annotations

import pytest

from strongroom.deep_archive.domain.job_records import ArchiveState, JobStatus
from strongroom.deep_archive.services.packer_services import Attempt
from strongroom.deep_archive.services.planning import plan_job
from tests.integration.deep_archive_packer.conftest import (
    PREFIX,
    PROJECT,
    CrashingS3,
    PackerWorld,
    SimulatedCrash,
    SourceFile,
)
from tests.support.old_catalog import as_the_old_code_left_it

pytestmark = pytest.mark.integration


def files(count: int, folder: str = "a") -> dict[str, SourceFile]:
    return {
        f"{PREFIX}{folder}/{number:03d}.csv": SourceFile(f"row {number}\n".encode() * (number + 1))
        for number in range(count)
    }


def manifest_keys(world: PackerWorld, archive_key: str) -> list[str]:
    return [entry.key for entry in world.catalog.archive(archive_key)]


def test_a_second_job_skips_unchanged_files_and_archives_a_changed_one(
    world: PackerWorld,
) -> None:
    # Given a prefix archived once
    sources = files(15)
    world.put_sources(sources)
    first = world.create_job()
    assert world.run(first.job_id) is JobStatus.SUCCEEDED

    # When a second job runs over the same, unchanged prefix
    second = world.create_job()
    assert world.run(second.job_id) is JobStatus.SUCCEEDED

    # Then every file is skipped as unchanged and no archive is written
    record = world.record(second.job_id)
    assert record.counts.files_listed == 15
    assert record.counts.files_skipped_unchanged == 15
    assert (record.counts.files_planned, record.counts.archives_planned) == (0, 0)
    assert (record.counts.files_archived, record.counts.archives_done) == (0, 0)
    assert record.archives == []
    assert world.archive_objects(second.job_id) == []

    # When one file is rewritten and a third job runs
    changed = f"{PREFIX}a/007.csv"
    world.put_sources({changed: SourceFile(b"corrected row 7\n")})
    new_etag = world.source_etags()[changed]
    third = world.create_job()
    assert world.run(third.job_id) is JobStatus.SUCCEEDED

    # Then only the changed file is archived, and the catalog holds both of its versions
    record = world.record(third.job_id)
    assert record.counts.files_skipped_unchanged == 14
    assert (record.counts.files_archived, record.counts.archives_done) == (1, 1)
    assert manifest_keys(world, record.archives[0]) == [changed]
    latest = world.catalog_entry(changed)
    assert (latest.etag, latest.job_id, latest.size) == (new_etag, third.job_id, 16)
    versions = world.catalog.find_by_file_name(PROJECT, "007.csv")
    assert sorted(entry.job_id for entry in versions) == sorted([first.job_id, third.job_id])
    assert world.catalog_size() == 16


def test_unchanged_files_are_found_in_the_manifests_without_per_file_items(
    world: PackerWorld,
) -> None:
    # Given a prefix archived once: Parquet manifests and archive records, no per-file item
    world.put_sources(files(6))
    first = world.create_job(max_files=4)
    assert world.run(first.job_id) is JobStatus.SUCCEEDED
    assert world.item_count() == 0
    # When a second job runs over the unchanged prefix
    second = world.create_job()
    assert world.run(second.job_id) is JobStatus.SUCCEEDED
    # Then the archive records and Parquet manifests alone say every file is archived
    assert world.record(second.job_id).counts.files_skipped_unchanged == 6


def test_archives_without_a_record_are_checked_through_the_per_file_items(
    world: PackerWorld,
) -> None:
    # Given a prefix archived before archive records existed: per-file items only
    world.put_sources(files(6))
    first = world.create_job(max_files=4)
    assert world.run(first.job_id) is JobStatus.SUCCEEDED
    as_the_old_code_left_it(
        world.s3,
        world.dynamodb,
        catalog_table=world.tables.catalog,
        archive_bucket=world.archive_bucket,
        project=PROJECT,
        job_id=first.job_id,
        archives=world.record(first.job_id).archives,
    )
    assert world.services().records.recorded_jobs(PROJECT, world.source_bucket) == []
    # When a second job runs over the unchanged prefix
    second = world.create_job()
    assert world.run(second.job_id) is JobStatus.SUCCEEDED
    # Then the per-file items say every file is archived
    assert world.record(second.job_id).counts.files_skipped_unchanged == 6


def test_a_file_changed_after_listing_is_not_archived_and_fails_the_job(
    world: PackerWorld,
) -> None:
    # Given a job planned over twelve files (one with ": " in its key)
    sources = files(11)
    changed = f"{PREFIX}a/report: final.csv"
    sources[changed] = SourceFile(b"draft\n")
    world.put_sources(sources)
    job = world.create_job()
    assert plan_job(job, world.services()) is JobStatus.PACKING
    # When that file is rewritten before the packer reads it
    world.put_sources({changed: SourceFile(b"final figures\n")})
    rewritten = world.source_etags()[changed]
    status = world.run(job.job_id)

    # Then the job fails naming it, it is not catalogued, the other eleven are archived
    assert status is JobStatus.FAILED
    record = world.record(job.job_id)
    assert record.status is JobStatus.FAILED
    assert record.status_reason == (
        "1 file(s) could not be archived (see errors); they stay in the source"
    )
    (reported,) = [error for error in record.errors if error.startswith(f"{changed}: ")]
    assert reported.startswith(f"{changed}: changed since listed")
    assert world.catalog.get_latest(PROJECT, world.source_bucket, changed) is None
    assert world.catalog_size() == 11
    assert sorted(manifest_keys(world, record.archives[0])) == sorted(set(sources) - {changed})
    (checkpoint,) = world.jobs.list_checkpoints(job.job_id)
    assert checkpoint.failed_keys == [changed]
    assert (record.counts.files_archived, record.counts.files_failed) == (11, 1)
    # And the source keeps the new version
    assert world.source_etags()[changed] == rewritten


def test_sources_are_deleted_once_archived_and_catalogued(world: PackerWorld) -> None:
    # Given twenty files and a job that deletes its sources, in two archives
    sources = files(20)
    world.put_sources(sources)
    job = world.create_job(delete_source=True, max_files=10)
    # When it runs
    assert world.run(job.job_id) is JobStatus.SUCCEEDED
    # Then every file is catalogued and gone from the source
    record = world.record(job.job_id)
    assert world.catalog_size() == 20
    assert all(world.catalog_entry(key).job_id == job.job_id for key in sources)
    assert world.source_etags() == {}
    assert record.counts.sources_deleted == 20
    assert record.errors == []
    assert len(world.archive_objects(job.job_id)) == 2  # two archives (manifests: _catalog/)
    assert world.item_count() == 0  # no DynamoDB item per file (decision 0013)


def test_a_source_rewritten_before_its_deletion_is_kept_and_reported(world: PackerWorld) -> None:
    # Given a deleting job killed at its first delete, its one archive catalogued
    sources = files(8)
    world.put_sources(sources)
    job = world.create_job(delete_source=True)
    with pytest.raises(SimulatedCrash):
        world.run(job.job_id, Attempt(1, 3), s3=CrashingS3(world.s3, "delete_object"))
    (checkpoint,) = world.jobs.list_checkpoints(job.job_id)
    assert checkpoint.state is ArchiveState.CATALOGUED
    assert sorted(world.source_etags()) == sorted(sources)  # nothing deleted yet
    assert world.catalog_size() == 8
    # When one source is rewritten and the job is rerun
    changed = f"{PREFIX}a/003.csv"
    world.put_sources({changed: SourceFile(b"late correction\n")})
    rewritten = world.source_etags()[changed]
    assert world.run(job.job_id, Attempt(2, 3)) is JobStatus.SUCCEEDED
    # Then only the rewritten file is left, with its new content, and the job says why
    assert world.source_etags() == {changed: rewritten}
    record = world.record(job.job_id)
    assert f"{changed}: changed since archived, source kept" in record.errors
    assert record.counts.sources_deleted == 7
    assert world.catalog_entry(changed).etag != rewritten
    assert record.archives[0] in world.archive_objects(job.job_id)


def test_a_rerun_after_a_crash_mid_deletion_counts_each_source_once(world: PackerWorld) -> None:
    # Given a deleting job killed at its third delete, two sources already gone
    sources = files(8)
    world.put_sources(sources)
    job = world.create_job(delete_source=True)
    with pytest.raises(SimulatedCrash):
        world.run(job.job_id, Attempt(1, 3), s3=CrashingS3(world.s3, "delete_object", 3))
    assert len(world.source_etags()) == 6
    # When the job is rerun
    assert world.run(job.job_id, Attempt(2, 3)) is JobStatus.SUCCEEDED
    # Then the sources deleted before the crash count as deleted, once, and nothing is left
    record = world.record(job.job_id)
    assert world.source_etags() == {}
    assert record.counts.sources_deleted == 8
    assert not [error for error in record.errors if "source kept" in error]
