"""``python -m strongroom.sox_evidence.jobs.ipe IPE_ID CUTOFF RUN_ID TRIGGER CUTOFF_SOURCE
REQUESTER``: one container IPE, submitted by SOXAuto-PG01 (the job definition passes each
Batch parameter, ``Ref::ipe_id`` ...).

Exit 0 once the run record is written, whatever it says: a failed check or extraction is the
record's ``failed`` and ``IPEExecutionFailure``, and a Batch retry could only repeat it under the
same run id. The same holds for its evidence package: one that cannot be written is the log line
``evidence package failed``, which the template's metric filter counts as
``EvidencePackageFailure``. Exit 1 when no record could be written (the bucket refused, the
settings are wrong): the job ends FAILED and the rule on Batch's failed jobs alerts
``sox-alerts``. Exit 2: bad arguments.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from strongroom.core.observability import logger, metrics
from strongroom.core.timefmt import utc_now
from strongroom.sox_evidence import wiring
from strongroom.sox_evidence.domain.ipe_jobs import InvalidJobArguments, IpeJobRequest
from strongroom.sox_evidence.services.container_run import run_submitted_ipe

USAGE = (
    "usage: python -m strongroom.sox_evidence.jobs.ipe "
    "IPE_ID CUTOFF_DATE RUN_ID TRIGGER CUTOFF_SOURCE REQUESTER"
)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        request = IpeJobRequest.from_arguments(arguments)
    except InvalidJobArguments as error:
        print(f"{USAGE}\n{error}", file=sys.stderr)
        return 2
    logger.append_keys(ipe_id=request.ipe_id, run_id=request.run_id)
    try:
        config = wiring.settings()
        run = run_submitted_ipe(
            request,
            open_source=wiring.open_source,
            store=wiring.results_store(),
            clock=utc_now,
            package_version=wiring.PACKAGE_VERSION,
            limits=config.limits,
            batch_job_id=wiring.JobSettings.from_environment().batch_job_id,
            packager=wiring.evidence_packager(),
        )
    except Exception:
        logger.exception("no run record could be written")
        return 1
    finally:
        metrics.flush_metrics()
    logger.info(
        "container IPE done",
        status=run.record.status,
        rows=run.record.rows,
        evidence_prefix=None if run.package is None else run.package.prefix,
        package_failure=run.package_failure,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
