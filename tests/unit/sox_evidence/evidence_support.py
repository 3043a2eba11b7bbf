"""A PG-01 run that writes its evidence packages to the in-memory evidence bucket."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from strongroom.sox_evidence.adapters.evidence_bucket import EvidenceBucket
from strongroom.sox_evidence.adapters.evidence_signer import EvidenceSigner
from strongroom.sox_evidence.adapters.in_memory_evidence_bucket import InMemoryEvidenceBucket
from strongroom.sox_evidence.adapters.in_memory_evidence_signer import InMemoryEvidenceSigner
from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.domain.evidence_files import RuntimeInfo
from strongroom.sox_evidence.domain.requests import parse_run_request
from strongroom.sox_evidence.services.evidence_packaging import EvidencePackager
from strongroom.sox_evidence.services.pg01_run import Pg01Result, run_pg01
from tests.unit.sox_evidence.support import (
    CUTOFF,
    NOW,
    SMALL_LIMITS,
    opened,
    source_for,
    ticking_clock,
)

RETENTION = timedelta(days=2557)
RUNTIME = RuntimeInfo(python="3.12.0", dependencies={"pyarrow": "20.0.0"})


def packager(bucket: EvidenceBucket, signer: EvidenceSigner) -> EvidencePackager:
    return EvidencePackager(
        bucket=bucket,
        signer=signer,
        retention=RETENTION,
        clock=lambda: NOW,
        runtime=lambda: RUNTIME,
    )


def in_memory_packager() -> EvidencePackager:
    """What tests bind in place of ``wiring.evidence_packager``."""
    return packager(InMemoryEvidenceBucket(), InMemoryEvidenceSigner())


def run_with_evidence(
    database: Path,
    store: InMemoryResultsStore,
    bucket: EvidenceBucket,
    signer: EvidenceSigner,
    *ipe_ids: str,
) -> Pg01Result:
    event: dict[str, object] = {"cutoff_date": CUTOFF.isoformat()}
    if ipe_ids:
        event["ipe_ids"] = list(ipe_ids)
    source = source_for(database)
    return run_pg01(
        parse_run_request(event, "t"),
        cutoff_setting=None,
        open_source=lambda: opened(source),
        store=store,
        clock=ticking_clock(),  # type: ignore[arg-type]
        package_version="0.1.0",
        limits=SMALL_LIMITS,
        packager=packager(bucket, signer),
    )
