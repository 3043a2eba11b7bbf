"""The parts of a run read back from the results bucket: what the completeness and accuracy
checks compare with the server.

Each part is downloaded (to a temporary file) at the version its upload got, its SHA-256
checked against the one recorded when it was written, its footer's row count taken and its
control-total columns summed exactly (``Decimal``), a row group at a time.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain.runs import WrittenPart


@dataclass(frozen=True)
class ReadBack:
    footer_rows: int
    totals: dict[str, Decimal]
    digests_match: bool
    mismatched: tuple[str, ...]


def _column_sum(table: pa.Table, column: str) -> Decimal:
    total = pc.sum(table.column(column)).as_py()
    return Decimal(0) if total is None else Decimal(total)


def _read_part(
    part: WrittenPart, store: ResultsStore, columns: Sequence[str], stream: BinaryIO
) -> tuple[int, dict[str, Decimal], bool]:
    store.download(part.key, part.version_id, stream)
    stream.flush()
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    parquet = pq.ParquetFile(stream)
    totals = dict.fromkeys(columns, Decimal(0))
    for group in range(parquet.num_row_groups):
        table = parquet.read_row_group(group, columns=list(columns))
        for column in columns:
            totals[column] += _column_sum(table, column)
    return parquet.metadata.num_rows, totals, digest.hexdigest() == part.sha256


def read_back(
    parts: Sequence[WrittenPart], store: ResultsStore, columns: Sequence[str]
) -> ReadBack:
    rows = 0
    totals = dict.fromkeys(columns, Decimal(0))
    mismatched = []
    for part in parts:
        with tempfile.TemporaryFile(prefix="sox-read-") as stream:
            part_rows, part_totals, digest_ok = _read_part(part, store, columns, stream)
        rows += part_rows
        for column, value in part_totals.items():
            totals[column] += value
        if not digest_ok:
            mismatched.append(part.key)
    return ReadBack(rows, totals, not mismatched, tuple(mismatched))
