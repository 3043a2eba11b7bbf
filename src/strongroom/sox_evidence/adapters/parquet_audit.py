"""One Parquet object re-read as an auditor would: SHA-256 of its exact bytes, its footer's row
count and its control-total columns summed exactly, a row group at a time (streamed from a
file, never the whole table in memory)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

CHUNK = 1 << 20


@dataclass(frozen=True)
class ParquetFacts:
    sha256: str
    size: int
    rows: int | None
    """None when the bytes are not a readable Parquet file (``problem`` says why)."""
    totals: dict[str, Decimal]
    problem: str | None = None


def audit(stream: BinaryIO, columns: Sequence[str]) -> ParquetFacts:
    """``stream``: the object's bytes, seekable, at position 0."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    totals = dict.fromkeys(columns, Decimal(0))
    try:
        parquet = pq.ParquetFile(stream)
        present = [column for column in columns if column in parquet.schema_arrow.names]
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group, columns=present)
            for column in present:
                totals[column] += _column_sum(table, column)
    except (pa.ArrowException, OSError) as error:
        return ParquetFacts(digest.hexdigest(), size, None, {}, f"not readable Parquet: {error}")
    for column in columns:
        if column not in present:
            del totals[column]
    return ParquetFacts(digest.hexdigest(), size, parquet.metadata.num_rows, totals)


def _column_sum(table: pa.Table, column: str) -> Decimal:
    total = pc.sum(table.column(column)).as_py()
    return Decimal(0) if total is None else Decimal(total)
