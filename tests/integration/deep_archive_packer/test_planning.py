"""Jobs that end at planning: a source that fails the quality check, and a dry run."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from strongroom.deep_archive.domain.grouping import KIB, SourceObject
from strongroom.deep_archive.domain.job_records import JobStatus
from tests.integration.deep_archive_packer.conftest import PREFIX, PackerWorld, SourceFile
from tests.support.listing import tallied

pytestmark = pytest.mark.integration


def test_a_file_count_mismatch_fails_the_job_and_writes_nothing(world: PackerWorld) -> None:
    # Given five files where the quality check announced seven
    world.put_sources({f"{PREFIX}a/{number}.csv": SourceFile(b"x" * number) for number in range(5)})
    before = world.source_etags()
    job = world.create_job(expected_files=7, delete_source=True)
    # When the packer runs
    status = world.run(job.job_id)
    # Then the job fails with a report naming both numbers
    assert status is JobStatus.FAILED
    record = world.record(job.job_id)
    assert record.status is JobStatus.FAILED
    assert record.status_reason is not None
    assert "expected_files is 7" in record.status_reason
    assert f"s3://{world.source_bucket}/{PREFIX} holds 5" in record.status_reason
    assert record.errors == [record.status_reason]
    # And nothing at all was written to the archive bucket, nothing catalogued or deleted
    assert world.listing(world.archive_bucket) == []
    assert world.catalog_size() == 0
    assert world.source_etags() == before


def test_a_dry_run_plans_and_estimates_without_archiving(world: PackerWorld) -> None:
    # Given thirty files of sizes spread over the histogram's first buckets
    rng = random.Random(30)
    sources = {
        f"{PREFIX}{number:02d}.bin": SourceFile(
            rng.randbytes(rng.choice([10, 900, 5 * KIB, 40 * KIB]))
        )
        for number in range(30)
    }
    world.put_sources(sources)
    job = world.create_job(dry_run=True, max_files=8)
    # When the packer runs
    status = world.run(job.job_id)
    # Then the job is PLANNED with counts and an estimate, and nothing is archived
    assert status is JobStatus.PLANNED
    record = world.record(job.job_id)
    assert record.status is JobStatus.PLANNED
    assert record.status_reason == "dry run: nothing archived"
    assert record.counts.files_listed == 30
    assert record.counts.files_planned == 30
    assert record.counts.bytes_planned == sum(len(source.data) for source in sources.values())
    assert record.counts.archives_planned == 4
    assert record.counts.files_archived == 0
    assert len(record.archives) == 4
    assert record.estimate is not None
    assert isinstance(record.estimate["rows"], list)
    assert record.estimate["rows"]
    listed = [
        SourceObject(key=key, size=len(source.data), etag='"e"', last_modified=datetime.now(UTC))
        for key, source in sources.items()
    ]
    assert record.estimate["histogram"] == [
        {"label": bucket.label, "files": bucket.count, "bytes": bucket.total_bytes}
        for bucket in tallied(listed).histogram()
    ]
    assert world.listing(world.archive_bucket) == []
    assert world.catalog_size() == 0
    assert sorted(world.source_etags()) == sorted(sources)
