"""The sox_evidence benchmark's child processes: one measured run each, so each peak RSS is its own.

- ``seed DATABASE CUTOFF OUT``: the seed's approach, ``pandas.read_sql`` of IPE_07's extraction
  query (the same typed statement strongroom sends) into a DataFrame, then
  ``DataFrame.to_parquet`` (pandas' defaults) to a file in ``OUT``.
- ``extract DATABASE CUTOFF OUT``: strongroom's extraction alone, the same query streamed from
  the cursor in one snapshot into Parquet parts (``write_parts``), the parts "uploaded" to files
  in ``OUT``.
- ``full DATABASE CUTOFF IPE_ID BUCKET``: strongroom's whole run of one IPE (``run_ipe``: counts,
  control totals, witness and exclusion keys, extraction, read-back and checks) into the results
  bucket of the moto S3 server that ``AWS_ENDPOINT_URL`` names.
- ``moto``: serves moto (S3) on a loopback port and prints its URL; serves until terminated.

A measured child prints one JSON line: rows, wall and CPU seconds of the work (imports and
interpreter start-up excluded), the RSS after imports, the peak RSS (``ru_maxrss``), and the
Parquet bytes written.
"""

from __future__ import annotations

import importlib
import importlib.abc
import json
import resource
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import make_url

from benchmarks.trigger_archive_parts import rss_kib
from strongroom.core import aws
from strongroom.core.observability import logger
from strongroom.sox_evidence.adapters import sql_statements as statements
from strongroom.sox_evidence.adapters.nav_bi import SqlSourceDatabase, nav_bi_engine
from strongroom.sox_evidence.adapters.parquet_parts import write_parts
from strongroom.sox_evidence.adapters.results_store import S3ResultsStore
from strongroom.sox_evidence.domain.catalog import catalog
from strongroom.sox_evidence.domain.runs import RunContext, new_run_id, part_key
from strongroom.sox_evidence.domain.schema import arrow_schema
from strongroom.sox_evidence.services.ipe_run import DEFAULT_LIMITS, run_ipe

IPE_ID = "IPE_07"


class DirectoryStore:
    """A results store on the local disk: a part's upload is a copy into ``root``."""

    def __init__(self, root: Path) -> None:
        self.bucket = str(root)
        self._root = root

    def put_file(self, key: str, path: Path, sha256_hex: str) -> str | None:  # noqa: ARG002
        target = self._root / key  # S3 checks the SHA-256 on receipt; a copy has nothing to check
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        return None

    def put_bytes(self, key: str, body: bytes, content_type: str) -> str | None:
        raise NotImplementedError("the extraction writes parts only")

    def download(self, key: str, version_id: str | None, into: BinaryIO) -> None:
        raise NotImplementedError("the extraction reads nothing back")

    def get_bytes(self, key: str) -> bytes:
        raise NotImplementedError("the extraction reads nothing back")

    def list_keys(self, prefix: str) -> list[str]:
        raise NotImplementedError("the extraction lists nothing")


class _WithoutPandas(importlib.abc.MetaPathFinder):
    """Makes pandas unimportable, as in the function's bundle: with the bench extra installed,
    pyarrow's first ``pa.array`` would import it (half a second, tens of MiB) to ask whether
    the values are a pandas object."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:  # noqa: ARG002
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def _measured(work: Callable[[], tuple[int, int, dict[str, Any]]]) -> None:
    """Run ``work`` (rows, bytes, extra) and print what it cost as one JSON line."""
    after_imports = rss_kib()
    wall, cpu = time.perf_counter(), time.process_time()
    rows, written, extra = work()
    answer = {
        "rows": rows,
        "bytes": written,
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "rss_after_imports_kib": after_imports,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,  # KiB on Linux
        **extra,
    }
    print(json.dumps(answer), flush=True)


def _seed(database: Path, cutoff: date, out: Path) -> tuple[int, int, dict[str, Any]]:
    pandas: Any = importlib.import_module("pandas")  # the bench extra, untyped (no stubs)

    ipe = catalog()[IPE_ID].definition
    engine = nav_bi_engine(make_url(f"sqlite:///{database}"))
    with engine.connect() as connection:
        frame = pandas.read_sql(
            statements.extraction(ipe).clause, connection, params=statements.parameters(cutoff)
        )
    engine.dispose()
    target = out / "seed.parquet"
    frame.to_parquet(target)
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    return len(frame), target.stat().st_size, {"dtypes": dtypes, "pandas": pandas.__version__}


def _extract(database: Path, cutoff: date, out: Path) -> tuple[int, int, dict[str, Any]]:

    ipe = catalog()[IPE_ID].definition
    engine = nav_bi_engine(make_url(f"sqlite:///{database}"))
    with SqlSourceDatabase(engine).snapshot() as snapshot:
        parts = write_parts(
            snapshot.stream(statements.extraction(ipe), cutoff, DEFAULT_LIMITS.batch_rows),
            store=DirectoryStore(out),
            schema=arrow_schema(ipe.columns),
            key_for=lambda index: part_key(ipe.id, cutoff, "bench", index),
            rows_per_part=DEFAULT_LIMITS.rows_per_part,
        )
    engine.dispose()
    extra = {"parts": len(parts), "batch_rows": DEFAULT_LIMITS.batch_rows}
    return sum(part.rows for part in parts), sum(part.bytes for part in parts), extra


def _full(
    database: Path, cutoff: date, ipe_id: str, bucket: str
) -> tuple[int, int, dict[str, Any]]:

    started = datetime.now(UTC)
    context = RunContext(
        trigger="cli",
        requester="benchmark",
        cutoff_date=cutoff,
        cutoff_source="event",
        results_bucket=bucket,
        package_version="benchmark",
    )
    engine = nav_bi_engine(make_url(f"sqlite:///{database}"))
    record = run_ipe(
        catalog()[ipe_id],
        context,
        source=SqlSourceDatabase(engine),
        store=S3ResultsStore(bucket, aws.client("s3")),
        run_id=new_run_id(started),
        clock=lambda: datetime.now(UTC),
    ).record
    engine.dispose()
    extra = {
        "status": record.status,
        "failure": record.failure,
        "checks": len(record.checks),
        "failed_checks": record.failed_checks,
        "parts": len(record.parts),
    }
    return record.rows, record.bytes, extra


def _moto() -> None:
    from strongroom.local.emulator import WsgiServer, moto_application  # noqa: PLC0415

    server = WsgiServer(moto_application())
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    print(json.dumps({"url": server.url}), flush=True)
    stopping.wait()
    server.stop()


def main(argv: list[str]) -> None:
    logger.setLevel("ERROR")
    match argv:
        case ["seed", database, cutoff, out]:
            importlib.import_module("pandas")  # its import is start-up, not the work

            _measured(lambda: _seed(Path(database), date.fromisoformat(cutoff), Path(out)))
        case ["extract", database, cutoff, out]:
            sys.meta_path.insert(0, _WithoutPandas())
            _measured(lambda: _extract(Path(database), date.fromisoformat(cutoff), Path(out)))
        case ["full", database, cutoff, ipe_id, bucket]:
            sys.meta_path.insert(0, _WithoutPandas())
            _measured(lambda: _full(Path(database), date.fromisoformat(cutoff), ipe_id, bucket))
        case ["moto"]:
            _moto()
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
