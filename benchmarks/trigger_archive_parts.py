"""Pieces of the trigger_archive benchmark shared by its parent and its child processes.

The DEX API stand-in runs in its own process (its standalone mode), so the CPU each side spends
can be told apart: the client's with ``time.process_time`` (every thread of this process), the
stand-in's from ``/proc/<pid>/stat``. The archive run is the system's own: ``archive_run`` over
the ports ``wiring.run_ports`` builds (SQLAlchemy client directory on an SQLite file, the
authlib/httpx session with its first token, the DEX adapter with stamina retries), with the
archive store given by the caller.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Final

import httpx
from pydantic import SecretStr

from strongroom.core.observability import logger, metrics
from strongroom.trigger_archive.adapters import ArchiveStore
from strongroom.trigger_archive.adapters.database import mediant_engine
from strongroom.trigger_archive.adapters.dex_trigger_api import DexTriggerApi
from strongroom.trigger_archive.adapters.oauth_session import dex_session
from strongroom.trigger_archive.adapters.secrets import ApiSecret, DatabaseSecret
from strongroom.trigger_archive.adapters.sql_client_directory import SqlClientDirectory
from strongroom.trigger_archive.domain import Outcome, TimeBudget
from strongroom.trigger_archive.services import RunPorts, archive_run

TRIGGER_DATE: Final = date(2026, 12, 1)
REQUEST_TIMEOUT_S: Final = 10.0  # wiring's default REQUEST_TIMEOUT_S
_CLOCK_TICKS: Final = os.sysconf("SC_CLK_TCK")
_STARTUP_S: Final = 30.0


def quiet_observability() -> None:
    """Keep the run's own output off the report: its INFO line a run (Powertools) and
    stamina's WARNING a scheduled retry (the 429 pass schedules hundreds)."""
    logger.setLevel("ERROR")
    logging.getLogger("stamina").setLevel(logging.ERROR)


def process_cpu_seconds(pid: int) -> float:
    """user + system CPU seconds of a process (all its threads), from ``/proc/<pid>/stat``."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class StandIn:
    """``python -m strongroom.local.standins.dex_api`` in its own process."""

    def __init__(self, *, latency_ms: float, rate_limit_fraction: float = 0.0) -> None:
        command = [
            sys.executable,
            "-m",
            "strongroom.local.standins.dex_api",
            "--port",
            "0",
            "--latency-ms",
            str(latency_ms),
            "--rate-limit-fraction",
            str(rate_limit_fraction),
            "--retry-after",
            "1",
        ]
        self._faults = {"latency_ms": latency_ms, "rate_limit_fraction": rate_limit_fraction}
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        self.describe = _first_json_line(self._process)
        self._control = httpx.Client(
            base_url=self.describe["control_url"],
            headers={self.describe["control_header"]: self.describe["control_secret"]},
            timeout=10.0,
        )

    @property
    def pid(self) -> int:
        return self._process.pid

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def stats(self) -> dict[str, Any]:
        answer: dict[str, Any] = self._control.get("/stats").raise_for_status().json()
        return answer

    def set_faults(self, **changes: Any) -> None:
        self._control.post("/faults", json=changes).raise_for_status()

    def reset(self) -> None:
        """Stats cleared (reset also clears the faults: the ones it started with are put back)."""
        self._control.post("/reset").raise_for_status()
        self.set_faults(**self._faults)

    def stop(self) -> None:
        self._control.close()
        self._process.terminate()
        self._process.wait(timeout=10)


@contextmanager
def standin(*, latency_ms: float, rate_limit_fraction: float = 0.0) -> Iterator[StandIn]:
    running = StandIn(latency_ms=latency_ms, rate_limit_fraction=rate_limit_fraction)
    try:
        yield running
    finally:
        running.stop()


def _first_json_line(process: subprocess.Popen[str]) -> dict[str, str]:
    """The one JSON line a child prints when it is ready (read with a deadline)."""
    found: list[str] = []
    stream: IO[str] | None = process.stdout
    assert stream is not None
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(_STARTUP_S)
    if not found or not found[0].strip():
        process.kill()
        raise RuntimeError(f"{process.args!r} did not start")
    described: dict[str, str] = json.loads(found[0])
    return described


class DiscardingArchiveStore:
    """Hashes each body as the S3 store does, then drops it: what a run holds, without the
    in-memory twin's own growth (it keeps every body, as a bucket would outside the process)."""

    def __init__(self) -> None:
        self.stored = 0
        self._lock = threading.Lock()

    def store(
        self, client_id: int, trigger_date: date, body: bytes, archived_at: datetime
    ) -> Outcome:
        del client_id, trigger_date, archived_at
        hashlib.sha256(body).hexdigest()
        with self._lock:
            self.stored += 1
        return Outcome.ARCHIVED

    def write_run_report(self, key: str, report: bytes) -> None:
        del key, report


@dataclass(frozen=True)
class Measured:
    clients: int
    archived: int
    failed: int
    wall_s: float
    client_cpu_s: float
    standin_cpu_s: float
    stats: dict[str, Any]

    @property
    def rate(self) -> float:
        return self.clients / self.wall_s


def measured(target: StandIn, clients: int, action: Callable[[], tuple[int, int]]) -> Measured:
    """Run ``action`` (returning archived, failed) and what it cost each process."""
    target.reset()
    cpu_before, standin_before = time.process_time(), target.cpu_seconds()
    started = time.perf_counter()
    archived, failed = action()
    wall = time.perf_counter() - started
    return Measured(
        clients=clients,
        archived=archived,
        failed=failed,
        wall_s=wall,
        client_cpu_s=time.process_time() - cpu_before,
        standin_cpu_s=target.cpu_seconds() - standin_before,
        stats=target.stats(),
    )


def run_service(
    database: Path, dex: dict[str, str], store: ArchiveStore, max_concurrency: int
) -> tuple[int, int]:
    """One archive run as ``wiring.run_ports`` wires it (secrets given, not read): returns
    (clients whose response is stored, clients failed)."""
    engine = mediant_engine(DatabaseSecret(engine_url=SecretStr(f"sqlite:///{database}")))
    session = dex_session(
        ApiSecret(
            token_url=dex["token_url"],
            client_id=dex["client_id"],
            client_secret=SecretStr(dex["client_secret"]),
        ),
        request_timeout_s=REQUEST_TIMEOUT_S,
        max_connections=max_concurrency,
    )
    try:
        session.fetch_first_token()
        ports = RunPorts(
            directory=SqlClientDirectory(engine),
            source=DexTriggerApi(session, dex["base_url"]),
            store=store,
        )
        result = archive_run(
            ports,
            trigger_date=TRIGGER_DATE,
            run_id=f"bench-{time.time_ns()}",
            budget=TimeBudget(remaining_ms=lambda: 900_000, margin_s=60.0),
            max_concurrency=max_concurrency,
        )
    finally:
        session.close()
        engine.dispose()
        metrics.clear_metrics()
    return result.successful_archives, result.failed_archives
