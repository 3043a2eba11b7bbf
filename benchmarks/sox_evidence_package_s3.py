"""sox_evidence_package's S3 half: the evidence package on moto's S3 (Object Lock) and KMS, moto
in a process of its own (``python -m benchmarks.sox_evidence_child moto``).

- Packaging and signing against the run: ``run_ipe`` (no packager) into the versioned results
  bucket, then ``EvidencePackager.package`` with the S3 evidence bucket (Object Lock, COMPLIANCE
  on every object) and the KMS signer (RSA-3072, as the template's key), the Parquet read back
  from S3. Each pair is a new run and its package.
- Verifying against re-reading: ``verify_package`` (``evidence_verification.verify_online`` as
  ``strongroom sox verify`` wires it: S3 at pinned versions, retention, the KMS key) against a
  plain GET of every Parquet part at its version, streamed and hashed. The two alternate, which
  goes first swapping each pair, on the first run's package; the requests each makes are
  counted (botocore's events), and the time in ListObjectVersions shown apart.

Wall and CPU seconds are this process's; moto's CPU (``/proc/<pid>/stat``) is counted apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Final, TypeVar

import boto3
from sqlalchemy import make_url

from strongroom.core.aws import CLIENT_CONFIG
from strongroom.core.timefmt import utc_now
from strongroom.local.emulator import LOCAL_CREDENTIALS
from strongroom.sox_evidence.adapters.evidence_bucket import S3EvidenceBucket
from strongroom.sox_evidence.adapters.evidence_signer import KmsEvidenceSigner
from strongroom.sox_evidence.adapters.nav_bi import SqlSourceDatabase, nav_bi_engine
from strongroom.sox_evidence.adapters.results_store import S3ResultsStore
from strongroom.sox_evidence.domain.catalog import CatalogEntry
from strongroom.sox_evidence.domain.runs import RunContext, RunRecord, new_run_id
from strongroom.sox_evidence.public import verify_package
from strongroom.sox_evidence.services.evidence_packaging import EvidencePackager, PackageLocation
from strongroom.sox_evidence.services.ipe_run import run_ipe

REGION: Final = "eu-west-1"
RESULTS_BUCKET: Final = "sox-bench-results"
EVIDENCE_BUCKET: Final = "sox-bench-evidence"
PACKAGE_PAIRS: Final = 3
VERIFY_PAIRS: Final = 6
PACKAGE_TARGET: Final = 0.1
VERIFY_TARGET: Final = 1.5
CHUNK: Final = 1 << 20
TICKS_PER_S: Final = os.sysconf("SC_CLK_TCK")

T = TypeVar("T")


@dataclass(frozen=True)
class Cost:
    wall_s: float
    cpu_s: float
    moto_cpu_s: float
    load: float


@dataclass(frozen=True)
class Moto:
    url: str
    pid: int

    def client(self, service: str) -> Any:
        session = boto3.session.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
            region_name=REGION,
        )
        return session.client(service, endpoint_url=self.url, config=CLIENT_CONFIG)  # type: ignore[call-overload]

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / TICKS_PER_S  # utime, stime


@contextmanager
def moto_server() -> Iterator[Moto]:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.sox_evidence_child", "moto"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield Moto(json.loads(process.stdout.readline())["url"], process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def measured(moto: Moto, work: Callable[[], T]) -> tuple[T, Cost]:
    load = os.getloadavg()[0]
    moto_cpu = moto.cpu_s()
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    cost = Cost(
        wall_s=time.perf_counter() - wall,
        cpu_s=time.process_time() - cpu,
        moto_cpu_s=moto.cpu_s() - moto_cpu,
        load=load,
    )
    return result, cost


@dataclass
class RequestLog:
    """Each S3 and KMS request's operation and wall seconds (botocore's call events)."""

    calls: list[tuple[str, float]] = field(default_factory=list)
    started: float = 0.0

    def watch(self, client: Any) -> None:
        client.meta.events.register("before-call.*.*", self._before)
        client.meta.events.register("after-call.*.*", self._after)

    def _before(self, **_: Any) -> None:
        self.started = time.perf_counter()

    def _after(self, model: Any, **_: Any) -> None:
        self.calls.append((model.name, time.perf_counter() - self.started))


@dataclass(frozen=True)
class Lab:
    """The buckets and the key on moto, as the template makes them."""

    moto: Moto
    s3: Any
    kms: Any
    packager: EvidencePackager
    requests: RequestLog

    @classmethod
    def on(cls, moto: Moto) -> Lab:
        s3, kms = moto.client("s3"), moto.client("kms")
        where = {"LocationConstraint": REGION}
        s3.create_bucket(Bucket=RESULTS_BUCKET, CreateBucketConfiguration=where)
        s3.put_bucket_versioning(
            Bucket=RESULTS_BUCKET, VersioningConfiguration={"Status": "Enabled"}
        )
        s3.create_bucket(
            Bucket=EVIDENCE_BUCKET, CreateBucketConfiguration=where, ObjectLockEnabledForBucket=True
        )
        key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_3072")["KeyMetadata"]["Arn"]
        packager = EvidencePackager(
            bucket=S3EvidenceBucket(EVIDENCE_BUCKET, s3),
            signer=KmsEvidenceSigner(kms, key),
            retention=timedelta(days=1),
            clock=utc_now,
        )
        requests = RequestLog()
        requests.watch(s3)
        requests.watch(kms)
        return cls(moto, s3, kms, packager, requests)

    def run(self, database: Path, entry: CatalogEntry, cutoff: date) -> RunRecord:
        context = RunContext(
            trigger="cli",
            requester="benchmark",
            cutoff_date=cutoff,
            cutoff_source="event",
            results_bucket=RESULTS_BUCKET,
            package_version="benchmark",
        )
        engine = nav_bi_engine(make_url(f"sqlite:///{database}"))
        try:
            return run_ipe(
                entry,
                context,
                source=SqlSourceDatabase(engine),
                store=S3ResultsStore(RESULTS_BUCKET, self.s3),
                run_id=new_run_id(utc_now()),
                clock=utc_now,
            ).record
        finally:
            engine.dispose()

    def package(self, record: RunRecord, entry: CatalogEntry) -> PackageLocation:
        return self.packager.package(record, entry, S3ResultsStore(RESULTS_BUCKET, self.s3))

    def package_bytes(self, location: PackageLocation) -> tuple[int, int]:
        """The package's bytes and objects, as S3 lists them."""
        sizes = [
            item["Size"]
            for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=location.bucket, Prefix=location.prefix
            )
            for item in page.get("Contents", [])
        ]
        return sum(sizes), len(sizes)

    def verify(self, record: RunRecord) -> None:
        report = verify_package(
            self.s3,
            self.kms,
            EVIDENCE_BUCKET,
            record.ipe_id,
            record.context.cutoff_date,
            record.run_id,
        )
        if not report.passed:
            raise RuntimeError(f"the package did not verify: {report.first_failure}")

    def reread(self, record: RunRecord) -> None:
        """Every part's bytes at its version, streamed and hashed: the floor a verifier pays."""
        for part in record.parts:
            extra = {"VersionId": part.version_id} if part.version_id else {}
            body = self.s3.get_object(Bucket=RESULTS_BUCKET, Key=part.key, **extra)["Body"]
            digest = hashlib.sha256()
            for chunk in body.iter_chunks(chunk_size=CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != part.sha256:
                raise RuntimeError(f"{part.key}: SHA-256 differs from the run record's")


def _spread(ratios: list[float]) -> str:
    return (
        f"median **{statistics.median(ratios):.3f}**, range {min(ratios):.3f} to {max(ratios):.3f}"
    )


def _met(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "NOT met"


def _verify_pairs(lab: Lab, checked: RunRecord) -> tuple[list[str], list[float]]:
    rows, ratios = [], []
    work = {"verify": lab.verify, "reread": lab.reread}
    for pair in range(1, VERIFY_PAIRS + 1):
        order = ("verify", "reread") if pair % 2 else ("reread", "verify")
        costs, requests = {}, {}
        for name in order:
            lab.requests.calls.clear()
            costs[name] = measured(lab.moto, partial(work[name], checked))[1]
            requests[name] = list(lab.requests.calls)
        verify, reread = costs["verify"], costs["reread"]
        listing = sum(wall for name, wall in requests["verify"] if name == "ListObjectVersions")
        ratios.append(verify.wall_s / reread.wall_s)
        rows.append(
            f"| {pair} | {' then '.join(order)} | {verify.load:.1f} "
            f"| {verify.wall_s:.2f} / {verify.cpu_s:.2f} / {verify.moto_cpu_s:.2f} "
            f"| {len(requests['verify'])} | {listing:.2f} "
            f"| {reread.wall_s:.3f} / {reread.cpu_s:.3f} / {reread.moto_cpu_s:.2f} "
            f"| {len(requests['reread'])} | {ratios[-1]:.1f} "
            f"| {(verify.wall_s - listing) / reread.wall_s:.1f} "
            f"| {verify.cpu_s / reread.cpu_s:.1f} |"
        )
    return rows, ratios


def measure(database: Path, entry: CatalogEntry, cutoff: date) -> list[str]:
    """Both pairs of measurements on one moto; the report's lines. Verification runs after the
    first pair, while the results bucket holds that run alone: moto's ListObjectVersions
    deep-copies every version in the bucket, whatever the prefix (AWS answers from its index)."""
    package_rows: list[str] = []
    package_ratios: list[float] = []
    verify_rows: list[str] = []
    verify_ratios: list[float] = []
    with moto_server() as moto:
        lab = Lab.on(moto)
        runs: list[RunRecord] = []
        for pair in range(1, PACKAGE_PAIRS + 1):
            record, run = measured(moto, partial(lab.run, database, entry, cutoff))
            location, packaged = measured(moto, partial(lab.package, record, entry))
            size, objects = lab.package_bytes(location)
            runs.append(record)
            package_ratios.append(packaged.wall_s / run.wall_s)
            package_rows.append(
                f"| {pair} | {run.load:.1f} | {run.wall_s:.1f} / {run.cpu_s:.1f} / "
                f"{run.moto_cpu_s:.1f} | {packaged.wall_s:.2f} / {packaged.cpu_s:.2f} / "
                f"{packaged.moto_cpu_s:.2f} | {package_ratios[-1]:.3f} "
                f"| {packaged.cpu_s / run.cpu_s:.3f} | {size:,} ({objects} objects) "
                f"| {record.bytes:,} | {size / record.bytes:.4f} |"
            )
            if pair == 1:
                verify_rows, verify_ratios = _verify_pairs(lab, record)
    checked = runs[0]
    package_median = statistics.median(package_ratios)
    verify_median = statistics.median(verify_ratios)
    return [
        f"On moto's S3 (Object Lock) and KMS (RSA-3072), moto in its own process; IPE_07,"
        f" {checked.rows:,} rows ({checked.status}), {len(checked.parts)} Parquet part(s)."
        " Seconds: wall / this process's CPU / moto's CPU.",
        "",
        "| pair | load | run (extraction, upload, read-back, checks) | package + sign "
        "| time ratio | CPU ratio | package bytes | Parquet bytes | bytes ratio |",
        "|---|---|---|---|---|---|---|---|---|",
        *package_rows,
        "",
        f"Packaging + signing / run, wall: {_spread(package_ratios)} "
        f"(target ≤ {PACKAGE_TARGET}: {_met(package_median, PACKAGE_TARGET)}).",
        "",
        f"Verification of pair 1's package (online) against re-reading its Parquet "
        f"({checked.bytes:,} bytes) from the same S3, both after pair 1 (the results bucket "
        "holding that run alone):",
        "",
        "| pair | order | load | verify | its requests | in ListObjectVersions "
        "| re-read (GET + SHA-256) | its requests | time ratio | without the listings "
        "| CPU ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *verify_rows,
        "",
        f"Verification / re-read, wall: {_spread(verify_ratios)} "
        f"(target ≤ {VERIFY_TARGET}: {_met(verify_median, VERIFY_TARGET)}).",
    ]
