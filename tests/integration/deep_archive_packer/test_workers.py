"""A job with three workers: the planner fans out an array job, each child packs its range."""

from __future__ import annotations

import pytest

from strongroom.deep_archive.adapters.in_memory_job_launcher import Submission
from strongroom.deep_archive.adapters.job_launcher import batch_job_name
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.services.packer_services import Attempt
from tests.integration.deep_archive_packer.conftest import PREFIX, PackerWorld, SourceFile

pytestmark = pytest.mark.integration

FILES = 50
MAX_FILES = 10


def archives_written(world: PackerWorld, job_id: str) -> set[str]:
    return set(world.archive_objects(job_id))


def test_three_workers_pack_disjoint_ranges_and_the_last_one_finishes(world: PackerWorld) -> None:
    # Given fifty files planned into five archives, for three workers
    world.put_sources(
        {f"{PREFIX}{number:03d}.csv": SourceFile(b"%d\n" % number * 40) for number in range(FILES)}
    )
    job = world.create_job(max_files=MAX_FILES, workers=3)

    # When the first job (no array index) runs
    assert world.run(job.job_id) is JobStatus.PACKING
    # Then it planned, submitted one array job of three children and packed nothing
    expected = Submission(job.job_id, batch_job_name(job.job_id), 3, "batch-0001")
    assert world.launcher.submissions == [expected]
    record = world.record(job.job_id)
    assert record.batch_job_ids == ["batch-planner", "batch-0001"]
    assert record.counts.archives_planned == 5
    assert archives_written(world, job.job_id) == set()
    # And a retry of that first job does not submit the array job again
    assert world.run(job.job_id, Attempt(number=2)) is JobStatus.PACKING
    assert world.launcher.submissions == [expected]

    # When the three children run in turn
    summary = world.services().files.plan_summary(job.job_id)
    assert summary is not None
    assert len(summary.worker_ranges) == 3
    written: list[set[str]] = []
    statuses: list[JobStatus] = []
    for index in range(3):
        before = archives_written(world, job.job_id)
        statuses.append(world.run(job.job_id, Attempt(array_index=index)))
        written.append(archives_written(world, job.job_id) - before)

    # Then each packed exactly its own range, together the whole plan, and the last finished
    assert statuses == [JobStatus.PACKING, JobStatus.PACKING, JobStatus.SUCCEEDED]
    for (first, end), keys in zip(summary.worker_ranges, written, strict=True):
        assert keys == set(record.archives[first:end])
        assert keys
    assert set().union(*written) == set(record.archives)
    assert sum(len(keys) for keys in written) == len(record.archives) == 5
    final = world.record(job.job_id)
    assert final.status is JobStatus.SUCCEEDED
    assert (final.counts.files_archived, final.counts.archives_done) == (FILES, 5)
    assert world.catalog_size() == FILES
