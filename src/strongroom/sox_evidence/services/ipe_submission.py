"""Hand a container IPE to its Batch job, under the run id the function chose for it.

When no job can be started (the container path is not deployed, or Batch refuses), the IPE is
recorded failed, not attempted, with the reason, and counted: never silently left out.
"""

from __future__ import annotations

from datetime import datetime

from strongroom.core.observability import logger
from strongroom.sox_evidence.adapters.ipe_jobs import IpeJobLauncher, SubmitFailed, SubmittedJob
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain.catalog import CatalogEntry
from strongroom.sox_evidence.domain.ipe_jobs import IpeJobRequest
from strongroom.sox_evidence.domain.runs import RunContext, RunRecord
from strongroom.sox_evidence.services.ipe_run import record_not_attempted
from strongroom.sox_evidence.services.run_metrics import emit_ipe_metrics

NO_CONTAINER_PATH = (
    "the container path is not deployed (the template's ContainerImage, and ContainerSubnetIds "
    "or VpcSubnetIds, are empty): deploy it, or rerun with runs_on lambda"
)


def submit_ipe(
    entry: CatalogEntry,
    context: RunContext,
    *,
    store: ResultsStore,
    launcher: IpeJobLauncher | None,
    run_id: str,
    at: datetime,
) -> SubmittedJob | RunRecord:
    """The job Batch accepted, or the failed record of an IPE no job could be started for."""
    reason = NO_CONTAINER_PATH
    if launcher is not None:
        request = IpeJobRequest(
            ipe_id=entry.definition.id,
            cutoff_date=context.cutoff_date,
            run_id=run_id,
            trigger=context.trigger,
            cutoff_source=context.cutoff_source,
            requester=context.requester,
        )
        try:
            job = launcher.submit(request)
        except SubmitFailed as error:
            reason = str(error)
        else:
            logger.info("IPE submitted to Batch", ipe_id=request.ipe_id, run_id=run_id, job=job)
            return job
    record = record_not_attempted(
        entry, context, store=store, run_id=run_id, at=at, reason=reason, runs_on="container"
    )
    emit_ipe_metrics(record)
    return record
