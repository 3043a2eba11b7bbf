"""A packer killed mid-job: the next attempt resumes, the last one marks the job failed."""

from __future__ import annotations

import json

import pytest

from strongroom.core.observability import metrics
from strongroom.deep_archive.domain.job_records import ArchiveState, JobStatus
from strongroom.deep_archive.services.packer_services import Attempt
from tests.integration.deep_archive_packer.conftest import (
    PREFIX,
    CrashingS3,
    PackerWorld,
    SimulatedCrash,
    SourceFile,
)

pytestmark = pytest.mark.integration

FILES = 60
MAX_FILES = 10
ARCHIVES = FILES // MAX_FILES


def sixty_files() -> dict[str, SourceFile]:
    return {
        f"{PREFIX}{folder}/{number:03d}.csv": SourceFile(f"{folder};{number}\n".encode() * number)
        for folder in ("a", "b")
        for number in range(FILES // 2)
    }


def emitted_metrics(output: str) -> set[str]:
    """Names of the metrics in the EMF documents among ``output``'s JSON lines."""
    names: set[str] = set()
    for line in output.splitlines():
        document = json.loads(line) if line.startswith("{") else {}
        for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
            names.update(metric["Name"] for metric in directive["Metrics"])
    return names


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_a_rerun_after_a_crash_resumes_without_duplicates(
    world: PackerWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a job of six archives whose first attempt is killed while uploading the third
    sources = sixty_files()
    world.put_sources(sources)
    before = world.source_etags()
    job = world.create_job(max_files=MAX_FILES)
    crashing = CrashingS3(world.s3, "upload_part", occurrence=3)
    metrics.clear_metrics()
    with pytest.raises(SimulatedCrash):
        world.run(job.job_id, Attempt(number=1, max_attempts=3), s3=crashing)
    metrics.flush_metrics()

    # Then the job waits for Batch's retry: not failed, two archives done, one upload left open
    crashed = world.record(job.job_id)
    assert crashed.status is JobStatus.PACKING
    assert "ArchiveJobsFailed" not in emitted_metrics(capsys.readouterr().out)
    assert any(error.startswith("attempt 1: SimulatedCrash") for error in crashed.errors)
    checkpoints = world.jobs.list_checkpoints(job.job_id)
    assert [(point.index, point.state) for point in checkpoints] == [
        (0, ArchiveState.DONE),
        (1, ArchiveState.DONE),
    ]
    assert [upload["Key"] for upload in world.open_uploads()] == [crashed.archives[2]]

    # When Batch runs the second attempt with a healthy client
    counting = CrashingS3(world.s3)
    status = world.run(job.job_id, Attempt(number=2, max_attempts=3), s3=counting)

    # Then it wrote only the four archives left, each once, and the job is exact
    assert status is JobStatus.SUCCEEDED
    record = world.record(job.job_id)
    assert record.status is JobStatus.SUCCEEDED
    assert record.archives == crashed.archives
    assert counting.calls["create_multipart_upload"] == ARCHIVES - 2
    assert sorted(world.archive_objects(job.job_id)) == sorted(record.archives)
    assert world.open_uploads() == []
    assert world.catalog_size() == FILES
    total = sum(len(source.data) for source in sources.values())
    assert record.counts.files_archived == FILES
    assert record.counts.bytes_archived == total
    assert record.counts.archives_done == ARCHIVES
    assert record.counts.files_failed == 0
    assert record.counts.archive_bytes == sum(
        world.s3.head_object(Bucket=world.archive_bucket, Key=key)["ContentLength"]
        for key in record.archives
    )
    assert world.source_etags() == before


def test_the_last_attempt_marks_the_job_failed_and_keeps_the_sources(
    world: PackerWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a job deleting its sources, on its last Batch attempt, killed in its first upload
    world.put_sources(sixty_files())
    before = world.source_etags()
    job = world.create_job(max_files=MAX_FILES, delete_source=True)
    metrics.clear_metrics()
    with pytest.raises(SimulatedCrash):
        world.run(
            job.job_id, Attempt(number=3, max_attempts=3), s3=CrashingS3(world.s3, "upload_part")
        )
    metrics.flush_metrics()

    # Then the job is FAILED with the reason, counted as a failed job, and nothing was deleted
    record = world.record(job.job_id)
    assert record.status is JobStatus.FAILED
    assert record.status_reason is not None
    assert record.status_reason.startswith("packer failed after 3 attempts: process killed")
    assert any(error.startswith("attempt 3: SimulatedCrash") for error in record.errors)
    assert "ArchiveJobsFailed" in emitted_metrics(capsys.readouterr().out)
    assert world.source_etags() == before
    assert world.catalog_size() == 0

    # And a stray later run leaves the finished job as it is
    assert world.run(job.job_id, Attempt(number=4, max_attempts=3)) is JobStatus.FAILED
    assert world.archive_objects(job.job_id) == []
