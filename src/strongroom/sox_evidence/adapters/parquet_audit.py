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


class HashingWriter:
    """Writes into ``target`` and hashes on the way: the bytes are hashed as they stream in,
    not read back a second time."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> int:
        self.digest.update(chunk)
        self.size += len(chunk)
        return self.target.write(chunk)


def audit(stream: BinaryIO, columns: Sequence[str]) -> ParquetFacts:
    """``stream``: the object's bytes, seekable, at position 0."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return audit_hashed(stream, columns, digest.hexdigest(), size)


def audit_hashed(stream: BinaryIO, columns: Sequence[str], sha256: str, size: int) -> ParquetFacts:
    """``audit`` of bytes already hashed while written: pyarrow reads only the footer and the
    control-total columns."""
    totals = dict.fromkeys(columns, Decimal(0))
    try:
        parquet = pq.ParquetFile(stream)
        present = [column for column in columns if column in parquet.schema_arrow.names]
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group, columns=present)
            for column in present:
                totals[column] += _column_sum(table, column)
    except (pa.ArrowException, OSError) as error:
        return ParquetFacts(sha256, size, None, {}, f"not readable Parquet: {error}")
    for column in columns:
        if column not in present:
            del totals[column]
    return ParquetFacts(sha256, size, parquet.metadata.num_rows, totals)


def _column_sum(table: pa.Table, column: str) -> Decimal:
    total = pc.sum(table.column(column)).as_py()
    return Decimal(0) if total is None else Decimal(total)
