"""The trigger_archive benchmark's child processes.

- ``python -m benchmarks.trigger_archive_child rss DATABASE CLIENTS CONCURRENCY`` reads the
  stand-in's description (one JSON line) from stdin, runs one archive run into a store that drops
  the bodies, and prints one JSON line: the RSS before the run and the peak RSS of the process.
  A fresh process per size keeps one run's peak out of the other's.
- ``python -m benchmarks.trigger_archive_child moto`` serves moto (S3) on a loopback port in
  this process and prints its URL as one JSON line; it serves until terminated.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import threading
from pathlib import Path

from benchmarks.trigger_archive_parts import (
    DiscardingArchiveStore,
    quiet_observability,
    rss_kib,
    run_service,
)


def _rss(database: Path, clients: int, concurrency: int) -> None:
    dex = json.loads(sys.stdin.readline())
    quiet_observability()
    before = rss_kib()
    store = DiscardingArchiveStore()
    archived, failed = run_service(database, dex, store, concurrency)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    answer = {
        "clients": clients,
        "archived": archived,
        "failed": failed,
        "rss_before_kib": before,
        "peak_rss_kib": peak,
    }
    print(json.dumps(answer), flush=True)


def _moto() -> None:
    from strongroom.local.emulator import WsgiServer, moto_application  # noqa: PLC0415

    server = WsgiServer(moto_application())
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    print(json.dumps({"url": server.url}), flush=True)
    stopping.wait()
    server.stop()


def main(argv: list[str]) -> None:
    if argv[:1] == ["rss"] and len(argv) == 4:
        _rss(Path(argv[1]), int(argv[2]), int(argv[3]))
    elif argv == ["moto"]:
        _moto()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
