"""A canned Athena answer for moto: moto does not run SQL, it hands the next queued result to
the next query, as ``(name, Athena type)`` columns and rows of cell text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from moto.athena.models import QueryResults, athena_backends
from moto.core import DEFAULT_ACCOUNT_ID


def queue_athena_answer(
    region: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]]
) -> Any:
    """Inside ``mock_aws``: the next Athena query in ``region`` answers these rows (the header
    row Athena sends first is added); the backend, whose ``executions`` show what was sent."""
    header = [name for name, _ in columns]
    backend: Any = athena_backends[DEFAULT_ACCOUNT_ID][region]
    backend.query_results_queue.append(
        QueryResults(
            rows=[{"Data": [{"VarCharValue": cell} for cell in row]} for row in [header, *rows]],
            column_info=[{"Name": name, "Type": kind} for name, kind in columns],
        )
    )
    return backend
