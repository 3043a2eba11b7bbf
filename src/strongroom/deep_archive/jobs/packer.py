"""``python -m strongroom.deep_archive.jobs.packer JOB_ID``: the Batch entry point.

One entry point for every role, told apart by the job record and Batch's environment:

- the first job of an archive job (no array index) plans; then it packs every archive itself,
  or, when the job asks for several workers, submits an array job and stops;
- an array child (``AWS_BATCH_JOB_ARRAY_INDEX``) packs its contiguous range of archives;
- whoever packs the last archive finalises the job (SUCCEEDED, or FAILED naming the files
  that could not be archived).

Any attempt may be killed and rerun: planning is repeated from scratch (nothing was written
but the plan), packing resumes from the archives' checkpoints. Only the last Batch attempt
marks the job FAILED after an unexpected error; earlier ones leave it to the retry.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive.services.packer_run import run
from strongroom.deep_archive.wiring import packer as packer_wiring


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 1 or arguments[0] in {"-h", "--help"}:
        print("usage: python -m strongroom.deep_archive.jobs.packer JOB_ID", file=sys.stderr)
        return 2
    services = packer_wiring.packer_services()
    try:
        status = run(
            arguments[0], services, packer_wiring.AttemptSettings.from_environment().attempt()
        )
    finally:
        metrics.flush_metrics()
    # A job that failed for a reason of its own (a mismatch, unreadable files) is reported in
    # its record; the Batch job itself succeeded in doing its work, so it must not be retried.
    logger.info("packer attempt done", status=status)
    return 0


if __name__ == "__main__":
    sys.exit(main())
