"""trigger_archive against the DEX API stand-in: throughput by requests in flight, the seed's
one-client-at-a-time loop side by side, 429s with ``Retry-After``, and peak RSS by client count.

The stand-in runs in its own process (``python -m strongroom.local.standins.dex_api``), so the
CPU seconds of each side are measured apart (the client's with ``time.process_time``, the
stand-in's from ``/proc/<pid>/stat``). The client side is the system's own archive run
(``archive_run`` over the ports ``wiring.run_ports`` builds: SQLAlchemy directory over an SQLite
file from ``mediant_db.generate_clients``, the authlib/httpx session, the DEX adapter with
stamina retries). Throughput runs store into the in-memory twin of the archive store (S3 is not
what is measured); one run at the default ``MAX_CONCURRENCY`` stores into moto's S3 (moto in a
third process) to show what the store costs.

Run: ``python -m benchmarks trigger_archive`` (about 7 minutes; two 100-second sequential
passes dominate). ``TRIGGER_ARCHIVE_BENCH_QUICK=1`` runs 300 clients (RSS at 200 and 2,000)
in about a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

import boto3
import httpx

from benchmarks.machine import describe
from benchmarks.trigger_archive_parts import (
    TRIGGER_DATE,
    Measured,
    StandIn,
    measured,
    process_cpu_seconds,
    quiet_observability,
    run_service,
    standin,
)
from strongroom.core import aws
from strongroom.local.emulator import LOCAL_CREDENTIALS
from strongroom.local.standins.mediant_db import generate_clients
from strongroom.trigger_archive.adapters.database import mediant_engine
from strongroom.trigger_archive.adapters.in_memory_archive_store import InMemoryArchiveStore
from strongroom.trigger_archive.adapters.oauth_session import TRIGGER_SCOPE
from strongroom.trigger_archive.adapters.s3_archive_store import S3ArchiveStore
from strongroom.trigger_archive.adapters.secrets import DatabaseSecret
from strongroom.trigger_archive.adapters.sql_client_directory import SqlClientDirectory
from strongroom.trigger_archive.wiring import ArchiveSettings

QUICK_VARIABLE: Final = "TRIGGER_ARCHIVE_BENCH_QUICK"
LATENCY_MS: Final = 50.0
IN_FLIGHT: Final = (1, 8, 32, 64)
TARGET_RATIO: Final = 0.8
RATE_LIMIT_FRACTION: Final = 0.2
RSS_LATENCY_MS: Final = 1.0
RSS_TARGET: Final = 1.2
FUNCTION_TIMEOUT_S: Final = 900  # the template's function timeout
DEFAULT_CONCURRENCY: Final[int] = ArchiveSettings.model_fields["max_concurrency"].default
BUDGET_MARGIN_S: Final[float] = ArchiveSettings.model_fields["budget_margin_s"].default
REGION: Final = "eu-west-1"
BUCKET: Final = "trigger-archive-bench"


@dataclass(frozen=True)
class Sizes:
    clients: int
    rss_small: int
    rss_large: int


FULL: Final = Sizes(clients=2_000, rss_small=200, rss_large=20_000)
QUICK: Final = Sizes(clients=300, rss_small=200, rss_large=2_000)


def _database(folder: Path, clients: int) -> Path:
    path = folder / f"mediant-{clients}.sqlite"
    generate_clients(path, clients)
    return path


def _in_memory(database: Path, dex: dict[str, str], concurrency: int) -> tuple[int, int]:
    return run_service(database, dex, InMemoryArchiveStore(), concurrency)


def _seed_style(database: Path, dex: dict[str, str]) -> tuple[int, int]:
    """The seed's loop: a token fetched for the run, then one client after another, each GET
    on a new connection (as ``requests.get`` without a session), the JSON parsed and
    re-serialised before it is stored, no retries."""
    store = InMemoryArchiveStore()
    engine = mediant_engine(DatabaseSecret.model_validate({"engine_url": f"sqlite:///{database}"}))
    archived = failed = 0
    with httpx.Client(timeout=30.0, limits=httpx.Limits(max_keepalive_connections=0)) as http:
        token = (
            http.post(
                dex["token_url"],
                data={"grant_type": "client_credentials", "scope": TRIGGER_SCOPE},
                auth=(dex["client_id"], dex["client_secret"]),
            )
            .raise_for_status()
            .json()["access_token"]
        )
        headers = {"Authorization": f"Bearer {token}"}
        for client in SqlClientDirectory(engine).clients():
            try:
                response = http.get(
                    dex["trigger_url"],
                    params={"clientId": client.id, "triggerDate": TRIGGER_DATE.isoformat()},
                    headers=headers,
                ).raise_for_status()
                body = json.dumps(response.json()).encode()
                store.store(client.id, TRIGGER_DATE, body, datetime.now(UTC))
                archived += 1
            except (httpx.HTTPError, ValueError):
                failed += 1
    engine.dispose()
    return archived, failed


@contextmanager
def _moto_s3() -> Iterator[tuple[S3ArchiveStore, int]]:
    """moto in its own process; the store uses the system's own S3 client (``aws.client``),
    pointed at it through ``AWS_ENDPOINT_URL`` as the local stack does."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.trigger_archive_child", "moto"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = json.loads(process.stdout.readline())["url"]
        os.environ.update(
            AWS_ENDPOINT_URL=url,
            AWS_DEFAULT_REGION=REGION,
            AWS_ACCESS_KEY_ID=LOCAL_CREDENTIALS["aws_access_key_id"],
            AWS_SECRET_ACCESS_KEY=LOCAL_CREDENTIALS["aws_secret_access_key"],
        )
        admin = boto3.session.Session().client("s3")
        admin.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        admin.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield S3ArchiveStore(BUCKET, aws.client("s3")), process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def _with_moto(database: Path, target: StandIn, clients: int) -> tuple[Measured, float]:
    """A run at the default concurrency into moto's S3: the measurement, and moto's CPU s."""
    with _moto_s3() as (store, moto_pid):
        moto_before = process_cpu_seconds(moto_pid)
        result = measured(
            target,
            clients,
            lambda: run_service(database, target.describe, store, DEFAULT_CONCURRENCY),
        )
        return result, process_cpu_seconds(moto_pid) - moto_before


def _peak_rss(database: Path, clients: int, dex: dict[str, str]) -> dict[str, Any]:
    """One archive run in a fresh process; its RSS before the run and its peak."""
    answer = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.trigger_archive_child",
            "rss",
            str(database),
            str(clients),
            str(DEFAULT_CONCURRENCY),
        ],
        input=json.dumps(dex) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return result


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _row(label: str, run: Measured, ideal: float | None) -> str:
    ratio = f"{run.rate / ideal:.2f}" if ideal else "-"
    ideal_text = f"{ideal:,.0f}" if ideal else "-"
    return (
        f"| {label} | {run.archived:,}/{run.clients:,} | {run.wall_s:.1f} s "
        f"| {run.rate:,.1f} | {ideal_text} | {ratio} "
        f"| {run.stats.get('max_concurrent_triggers', '-')} "
        f"| {run.client_cpu_s / run.wall_s:.2f} | {run.standin_cpu_s / run.wall_s:.2f} "
        f"| {run.client_cpu_s / run.clients * 1000:.2f} ms |"
    )


def run() -> str:
    quick = os.environ.get(QUICK_VARIABLE, "") not in {"", "0", "false"}
    sizes = QUICK if quick else FULL
    quiet_observability()
    lines = [
        f"trigger_archive; machine: {describe()}; load average at start {_load()}",
        f"{sizes.clients:,} clients, stand-in latency {LATENCY_MS:.0f} ms a trigger call"
        + (" (quick)" if quick else ""),
        "",
        "| run | archived | wall | clients/s | ideal | ratio | max in flight seen "
        "| client CPU s/s | stand-in CPU s/s | client CPU a client |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="trigger-bench-") as folder:
        database = _database(Path(folder), sizes.clients)
        runs: dict[str, Measured] = {}
        with standin(latency_ms=LATENCY_MS) as target:
            dex = target.describe
            _in_memory(database, dex, 8)  # warm up: imports, first connections, SQLite pages
            for in_flight in IN_FLIGHT:
                result = measured(
                    target, sizes.clients, partial(_in_memory, database, dex, in_flight)
                )
                runs[f"{in_flight}"] = result
                ideal = in_flight / (LATENCY_MS / 1000)
                lines.append(_row(f"service, {in_flight} in flight", result, ideal))
            default = measured(
                target,
                sizes.clients,
                lambda: _in_memory(database, dex, DEFAULT_CONCURRENCY),
            )
            ideal_default = DEFAULT_CONCURRENCY / (LATENCY_MS / 1000)
            lines.append(
                _row(f"service, default {DEFAULT_CONCURRENCY} in flight", default, ideal_default)
            )
            seed = measured(target, sizes.clients, lambda: _seed_style(database, dex))
            lines.append(_row("seed-style loop (one at a time)", seed, 1 / (LATENCY_MS / 1000)))
            moto, moto_cpu = _with_moto(database, target, sizes.clients)
            lines.append(
                _row(f"service, {DEFAULT_CONCURRENCY} in flight, into moto S3", moto, ideal_default)
            )
        ratios = {n: runs[str(n)].rate / (n / (LATENCY_MS / 1000)) for n in IN_FLIGHT}
        met = all(ratio >= TARGET_RATIO for n, ratio in ratios.items() if n <= 32)
        top = runs["64"]
        bound = "client" if top.client_cpu_s >= top.standin_cpu_s else "stand-in"
        lines += [
            "",
            f"- ratio ≥ {TARGET_RATIO} up to 32 in flight: {'met' if met else 'missed'} ("
            + ", ".join(f"{n}: {ratio:.2f}" for n, ratio in ratios.items() if n <= 32)
            + f"); at 64: {ratios[64]:.2f}, CPU s/s client {top.client_cpu_s / top.wall_s:.2f} "
            f"vs stand-in {top.standin_cpu_s / top.wall_s:.2f}: the {bound}'s CPU bounds it",
            f"- speed-up over the seed-style loop, same run: {default.rate / seed.rate:.1f}x at "
            f"the default {DEFAULT_CONCURRENCY} in flight, {runs['64'].rate / seed.rate:.1f}x "
            f"at 64",
            f"- into moto S3 (HeadObject + PutObject a client, moto in its own process): "
            f"{moto.rate:,.1f} clients/s, moto CPU {moto_cpu / moto.wall_s:.2f} s/s",
        ]
        with standin(latency_ms=LATENCY_MS, rate_limit_fraction=RATE_LIMIT_FRACTION) as limited:
            throttled = measured(
                limited,
                sizes.clients,
                lambda: _in_memory(database, limited.describe, DEFAULT_CONCURRENCY),
            )
        statuses = throttled.stats["statuses"]
        lines.append(
            f"- {RATE_LIMIT_FRACTION:.0%} of calls answered 429 `Retry-After: 1`, "
            f"{DEFAULT_CONCURRENCY} in flight: {throttled.archived:,}/{throttled.clients:,} "
            f"archived, {throttled.failed} failed, {throttled.wall_s:.1f} s "
            f"({throttled.rate:,.1f} clients/s); stand-in statuses {statuses}, "
            f"early retries {throttled.stats['early_retries']}"
        )
        with standin(latency_ms=RSS_LATENCY_MS) as quick_target:
            small = _peak_rss(
                _database(Path(folder), sizes.rss_small), sizes.rss_small, quick_target.describe
            )
            large = _peak_rss(
                _database(Path(folder), sizes.rss_large), sizes.rss_large, quick_target.describe
            )
        ratio = large["peak_rss_kib"] / small["peak_rss_kib"]
        growth_small = small["peak_rss_kib"] - small["rss_before_kib"]
        growth_large = large["peak_rss_kib"] - large["rss_before_kib"]
        lines.append(
            f"- peak RSS (fresh process each, {RSS_LATENCY_MS:.0f} ms latency, "
            f"{DEFAULT_CONCURRENCY} in flight, bodies hashed then dropped): "
            f"{small['peak_rss_kib'] / 1024:.1f} MiB at {sizes.rss_small:,} clients "
            f"({small['archived']:,} archived), {large['peak_rss_kib'] / 1024:.1f} MiB at "
            f"{sizes.rss_large:,} ({large['archived']:,} archived): ratio {ratio:.2f} "
            f"(target ≤ {RSS_TARGET}); growth during the run {growth_small / 1024:.1f} MiB vs "
            f"{growth_large / 1024:.1f} MiB"
        )
    budget_s = FUNCTION_TIMEOUT_S - BUDGET_MARGIN_S
    lines += [
        f"- one run's budget ({FUNCTION_TIMEOUT_S} s timeout less the {BUDGET_MARGIN_S:.0f} s "
        f"margin = {budget_s:.0f} s) at the default {DEFAULT_CONCURRENCY} in flight: "
        f"~{default.rate * budget_s:,.0f} clients at this run's rate (in-memory store), "
        f"~{moto.rate * budget_s:,.0f} at the moto S3 rate; at 64 in flight "
        f"~{runs['64'].rate * budget_s:,.0f}",
        f"- load average at the end {_load()}",
    ]
    return "\n".join(lines)
