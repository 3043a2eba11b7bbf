"""One packer attempt's share of an archive job: plan, pack, or finalise.

Called by the Batch entry point (``jobs/packer.py``), which documents the roles: the first job
plans (and packs or submits an array job), array children pack their ranges, and whoever packs
the last archive finalises. Only the last attempt marks the job FAILED after an unexpected error.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive.adapters.job_store import StatusConflict
from strongroom.deep_archive.domain.job_records import ArchiveState, JobRecord, JobStatus
from strongroom.deep_archive.services.packer_services import Attempt, PackerServices
from strongroom.deep_archive.services.packing import pack_archives
from strongroom.deep_archive.services.planning import plan_job

UNFINISHED = {JobStatus.SUBMITTED, JobStatus.PLANNING, JobStatus.PACKING}


class JobMissingError(LookupError):
    pass


def run(job_id: str, services: PackerServices, attempt: Attempt) -> JobStatus:
    """Do this attempt's share of job ``job_id``; the job's status afterwards."""
    record = services.jobs.get(job_id)
    if record is None:
        raise JobMissingError(f"no archive job {job_id!r} in the jobs table")
    with logger.append_context_keys(job_id=job_id, array_index=attempt.array_index):
        if record.status.finished:
            logger.info("job already finished", status=record.status)
            return record.status
        try:
            return _work(record, services, attempt)
        except Exception as error:
            logger.exception("packer attempt failed", attempt=attempt.number)
            services.jobs.append_errors(job_id, [f"attempt {attempt.number}: {error!r}"])
            if attempt.last:
                _fail(services, job_id, f"packer failed after {attempt.number} attempts: {error}")
            raise


def _work(record: JobRecord, services: PackerServices, attempt: Attempt) -> JobStatus:
    job_id = record.job_id
    if attempt.array_index is None and record.status in {JobStatus.SUBMITTED, JobStatus.PLANNING}:
        status = plan_job(record, services)
        if status is not JobStatus.PACKING:
            if status is JobStatus.FAILED:
                _count_failure()
            return status
    summary = services.files.plan_summary(job_id)
    if summary is None:
        raise RuntimeError(f"job {job_id} is packing but its plan is missing")
    record = services.jobs.get(job_id) or record
    if attempt.array_index is None and len(summary.worker_ranges) > 1:
        if not record.batch_job_ids[1:]:
            child = services.launcher.submit(job_id, array_size=len(summary.worker_ranges))
            services.jobs.add_batch_job_id(job_id, child)
            logger.info("array job submitted", workers=len(summary.worker_ranges), batch_job=child)
        return JobStatus.PACKING
    first, end = summary.worker_ranges[attempt.array_index or 0]
    pack_archives(record, services.files.archives(job_id, first, end), services)
    return _finalise_if_complete(job_id, summary.archives, services)


def _finalise_if_complete(job_id: str, archives: int, services: PackerServices) -> JobStatus:
    checkpoints = services.jobs.list_checkpoints(job_id)
    done = [point for point in checkpoints if point.state is ArchiveState.DONE]
    if len(done) < archives:
        logger.info("worker finished, other archives pending", done=len(done), archives=archives)
        return JobStatus.PACKING
    record = services.jobs.get(job_id)
    assert record is not None
    failed = sum(len(point.failed_keys) for point in done)
    exact = {
        "files_archived": sum(point.members for point in done),
        "bytes_archived": sum(point.member_bytes for point in done),
        "archive_bytes": sum(point.archive_bytes for point in done),
        "archives_done": len(done),
        "files_failed": failed,
        "sources_deleted": sum(point.sources_deleted for point in done),
    }
    # An archive whose every member was unreadable was never written: list only real ones.
    written = [point.archive_key for point in done if point.archive_bytes]
    services.jobs.set_plan(job_id, counts=exact, archive_keys=written, estimate=record.estimate)
    if failed:
        reason = f"{failed} file(s) could not be archived (see errors); they stay in the source"
        return _fail(services, job_id, reason)
    try:
        services.jobs.set_status(job_id, JobStatus.SUCCEEDED, allowed_from={JobStatus.PACKING})
    except StatusConflict:
        logger.info("another worker finalised the job")
    else:
        metrics.add_metric(name="ArchiveJobsSucceeded", unit=MetricUnit.Count, value=1)
        logger.info("job succeeded", extra=exact)
    return JobStatus.SUCCEEDED


def _fail(services: PackerServices, job_id: str, reason: str) -> JobStatus:
    try:
        services.jobs.set_status(job_id, JobStatus.FAILED, allowed_from=UNFINISHED, reason=reason)
    except StatusConflict:
        return JobStatus.FAILED
    _count_failure()
    logger.error("job failed", reason=reason)
    return JobStatus.FAILED


def _count_failure() -> None:
    metrics.add_metric(name="ArchiveJobsFailed", unit=MetricUnit.Count, value=1)
