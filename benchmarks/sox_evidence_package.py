"""sox_evidence: what building, locking and signing an evidence package adds to an IPE run.

One run of IPE_07 (``run_ipe``: counts, totals, keys, the extraction, read-back and checks) from
the SQLite stand-in, then its evidence package (``EvidencePackager.package``: the Parquet read
once more for the snapshot, the summary and the totals, the nine files, the zip, the manifest,
an RSA-3072 signature), both in this process with the in-memory twins of the results bucket,
the evidence bucket and the key: S3 transfers and KMS calls are left out of both sides, so the
ratio is of strongroom's own work. Target (issue 15): packaging ≤ 0.1 of the run's time for a
1,000,000-row IPE.

Then the same on S3 (``sox_evidence_package_s3``): moto's S3 with Object Lock and moto's KMS,
moto in its own process, packaging + signing against the run (pairs of a run and its package),
and online verification against a plain re-read of the Parquet (alternated pairs); targets
(issue 15): ≤ 0.1 and ≤ 1.5.

The stand-in (2,500,000 ledger entries: about 890,000 open entries of IPE_07 at 2026-06-30) is
generated once into ``.benchmarks/sox_evidence_package/`` (``SOX_EVIDENCE_PACKAGE_BENCH_DIR``);
its generation time is reported, or that it was reused.
``SOX_EVIDENCE_PACKAGE_BENCH_QUICK=1``: 100,000 entries, to try the machinery.
Run: ``python -m benchmarks sox_evidence_package``.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import make_url

from benchmarks import sox_evidence_package_s3
from benchmarks.machine import describe
from strongroom.core.observability import logger
from strongroom.core.timefmt import utc_now
from strongroom.sox_evidence.adapters.in_memory_evidence_bucket import InMemoryEvidenceBucket
from strongroom.sox_evidence.adapters.in_memory_evidence_signer import InMemoryEvidenceSigner
from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.adapters.nav_bi import SqlSourceDatabase, nav_bi_engine
from strongroom.sox_evidence.domain.catalog import select
from strongroom.sox_evidence.domain.runs import RunContext, new_run_id
from strongroom.sox_evidence.localdev import generate, holds_generation
from strongroom.sox_evidence.services.evidence_packaging import EvidencePackager
from strongroom.sox_evidence.services.ipe_run import run_ipe

DIRECTORY_VARIABLE: Final = "SOX_EVIDENCE_PACKAGE_BENCH_DIR"
QUICK_VARIABLE: Final = "SOX_EVIDENCE_PACKAGE_BENCH_QUICK"
DEFAULT_DIRECTORY: Final = (
    Path(__file__).resolve().parents[1] / ".benchmarks" / "sox_evidence_package"
)
ENTRIES: Final = 2_500_000
QUICK_ENTRIES: Final = 100_000
CUTOFF: Final = date(2026, 6, 30)
TARGET: Final = 0.1


def _stand_in(path: Path, entries: int) -> str:
    """Generate the stand-in when missing; how long that took, or that it was reused."""
    if holds_generation(path, entries):
        return f"reused {path}"
    began = time.perf_counter()
    generate(path, entries)
    return f"generated {path} in {time.perf_counter() - began:,.0f} s"


def run() -> str:
    logger.setLevel("ERROR")
    entries = QUICK_ENTRIES if os.environ.get(QUICK_VARIABLE) else ENTRIES
    folder = Path(os.environ.get(DIRECTORY_VARIABLE) or DEFAULT_DIRECTORY)
    database = folder / f"nav_{entries}.sqlite"
    generation = _stand_in(database, entries)
    entry = select(["IPE_07"])[0]
    store = InMemoryResultsStore()
    context = RunContext(
        trigger="cli",
        requester="benchmark",
        cutoff_date=CUTOFF,
        cutoff_source="event",
        results_bucket=store.bucket,
        package_version="benchmark",
    )
    engine = nav_bi_engine(make_url(f"sqlite:///{database}"))
    wall, cpu = time.perf_counter(), time.process_time()
    record = run_ipe(
        entry,
        context,
        source=SqlSourceDatabase(engine),
        store=store,
        run_id=new_run_id(utc_now()),
        clock=utc_now,
    ).record
    run_wall, run_cpu = time.perf_counter() - wall, time.process_time() - cpu
    engine.dispose()
    bucket = InMemoryEvidenceBucket()
    packager = EvidencePackager(
        bucket=bucket,
        signer=InMemoryEvidenceSigner(key_size=3072),
        retention=timedelta(days=1),
        clock=utc_now,
    )
    wall, cpu = time.perf_counter(), time.process_time()
    packager.package(record, entry, store)
    package_wall, package_cpu = time.perf_counter() - wall, time.process_time() - cpu
    package_bytes = sum(len(item.body) for item in bucket.objects.values())
    ratio = package_wall / run_wall
    load = os.getloadavg()[0]
    lines = [
        "### sox_evidence: evidence packaging against its run",
        "",
        f"{describe()}; stand-in of {entries:,} ledger entries: {generation}.",
        "",
        f"In-memory twins (no S3, no KMS); load average {load:.1f}; IPE_07 at {CUTOFF},"
        f" {record.rows:,} rows ({record.status}).",
        "",
        "| | wall s | CPU s | bytes |",
        "|---|---|---|---|",
        f"| run (extraction, read-back, checks) | {run_wall:.2f} | {run_cpu:.2f} "
        f"| {record.bytes:,} (Parquet) |",
        f"| evidence package | {package_wall:.2f} | {package_cpu:.2f} "
        f"| {package_bytes:,} ({len(bucket.objects)} objects) |",
        f"| ratio | **{ratio:.3f}** | {package_cpu / run_cpu:.3f} "
        f"| {package_bytes / max(record.bytes, 1):.4f} |",
        "",
        f"Target ≤ {TARGET} of the run's time: {'met' if ratio <= TARGET else 'NOT met'}.",
        "",
    ]
    lines += sox_evidence_package_s3.measure(database, entry, CUTOFF)
    one, five, fifteen = os.getloadavg()
    lines += ["", f"Load average at the end: {one:.1f} / {five:.1f} / {fifteen:.1f}."]
    return "\n".join(lines)
