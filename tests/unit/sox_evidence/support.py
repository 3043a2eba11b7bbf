"""A small NAV BI stand-in and a run of PG-01 against it with the in-memory results bucket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import count
from pathlib import Path

from sqlalchemy import make_url

from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.adapters.nav_bi import SqlSourceDatabase, nav_bi_engine
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain.requests import parse_run_request
from strongroom.sox_evidence.services.ipe_run import ExtractionLimits
from strongroom.sox_evidence.services.pg01_run import Pg01Result, run_pg01

CUTOFF = date(2025, 6, 30)
NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
SMALL_LIMITS = ExtractionLimits(batch_rows=200, rows_per_part=1_000, max_check_keys=100_000)


def source_for(path: Path) -> SqlSourceDatabase:
    return SqlSourceDatabase(nav_bi_engine(make_url(f"sqlite:///{path}")))


@contextmanager
def opened(source: SqlSourceDatabase) -> Iterator[SqlSourceDatabase]:
    yield source


def ticking_clock(start: datetime = NOW) -> object:
    seconds = count()
    return lambda: start.replace(second=next(seconds) % 60)


def run(
    database: Path,
    store: ResultsStore | None = None,
    event: dict[str, object] | None = None,
    limits: ExtractionLimits = SMALL_LIMITS,
) -> Pg01Result:
    source = source_for(database)
    return run_pg01(
        parse_run_request(event if event is not None else {"cutoff_date": CUTOFF.isoformat()}, "t"),
        cutoff_setting=None,
        open_source=lambda: opened(source),
        store=store if store is not None else InMemoryResultsStore(),
        clock=ticking_clock(),  # type: ignore[arg-type]
        package_version="0.1.0",
        limits=limits,
    )
