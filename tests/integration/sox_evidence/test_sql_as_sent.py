"""The run record's SQL is byte for byte what the driver's cursor received, with the cutoff
bound as a parameter, and every statement ran in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, make_url

from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.adapters.nav_bi import SqlSourceDatabase, nav_bi_engine
from strongroom.sox_evidence.domain.requests import parse_run_request
from strongroom.sox_evidence.services.pg01_run import run_pg01
from strongroom.sox_evidence.services.run_records import list_runs

pytestmark = pytest.mark.integration


def test_the_recorded_statements_are_the_ones_the_cursor_executed(nav_bi: Path) -> None:
    engine = nav_bi_engine(make_url(f"sqlite:///{nav_bi}"))
    sent: list[tuple[str, Any]] = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, params, _context, _many: sent.append((statement, params)),
    )

    @contextmanager
    def opened() -> Iterator[SqlSourceDatabase]:
        yield SqlSourceDatabase(engine)

    store = InMemoryResultsStore()
    run_pg01(
        parse_run_request({"cutoff_date": "2025-06-30", "ipe_ids": ["IPE_08"]}, "t"),
        cutoff_setting=None,
        open_source=opened,
        store=store,
        clock=lambda: datetime.now(UTC),
        package_version="0.1.0",
    )
    engine.dispose()
    record = list_runs(store)[0]

    executed = [statement for statement, _params in sent]
    assert executed[0] == "BEGIN DEFERRED"  # one transaction around everything below
    for recorded in record.statements:
        index = executed.index(recorded.sql)
        parameters = sent[index][1]
        assert set(parameters) == {"2025-06-30"}  # bound (SQLite's text form of the date)
        assert recorded.parameters == {"cutoff_date": "2025-06-30"}
    assert executed.count("BEGIN DEFERRED") == 1
