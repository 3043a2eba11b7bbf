"""Run one container IPE in its Batch job: the same ``run_ipe`` as the function, as submitted.

The job was handed the run id, trigger, requester and cutoff the function resolved, so its run
record reads as if the function had run it, with ``runs_on = "container"`` and the Batch job id.
Any failure, even one before the extraction starts (the secret, the database), is recorded
``failed`` under that run id and counted in ``IPEExecutionFailure``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from strongroom.core.observability import logger
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain import catalog
from strongroom.sox_evidence.domain.ipe_jobs import IpeJobRequest
from strongroom.sox_evidence.domain.runs import RunContext
from strongroom.sox_evidence.services.evidence_packaging import EvidencePackager
from strongroom.sox_evidence.services.ipe_run import (
    ExtractionLimits,
    IpeRun,
    package_run,
    record_not_attempted,
    run_ipe,
)
from strongroom.sox_evidence.services.pg01_run import SourceOpener
from strongroom.sox_evidence.services.run_metrics import emit_ipe_metrics


def run_submitted_ipe(
    request: IpeJobRequest,
    *,
    open_source: SourceOpener,
    store: ResultsStore,
    clock: Callable[[], datetime],
    package_version: str,
    limits: ExtractionLimits,
    batch_job_id: str | None,
    packager: EvidencePackager | None = None,
) -> IpeRun:
    """Raises only when the run record itself cannot be written (or the IPE is unknown)."""
    entry = catalog.select([request.ipe_id])[0]
    context = RunContext(
        trigger=request.trigger,
        requester=request.requester,
        cutoff_date=request.cutoff_date,
        cutoff_source=request.cutoff_source,
        results_bucket=store.bucket,
        package_version=package_version,
    )
    try:
        with open_source() as source:
            run = run_ipe(
                entry,
                context,
                source=source,
                store=store,
                run_id=request.run_id,
                clock=clock,
                limits=limits,
                runs_on="container",
                batch_job_id=batch_job_id,
                packager=packager,
            )
    except Exception as error:  # the source could not be opened: recorded, not lost
        logger.exception("container IPE could not start", ipe_id=request.ipe_id)
        record = record_not_attempted(
            entry,
            context,
            store=store,
            run_id=request.run_id,
            at=clock(),
            reason=f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}",
            runs_on="container",
            batch_job_id=batch_job_id,
        )
        run = package_run(record, entry, store, packager)
    emit_ipe_metrics(run.record)
    return run
