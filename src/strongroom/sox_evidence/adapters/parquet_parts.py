"""Rows into Parquet parts in the results bucket.

Each batch of rows (as the cursor hands them) becomes one row group; a part is closed and
uploaded, with the SHA-256 of its exact bytes, when it holds ``rows_per_part`` rows, and the next
one begins. A part is staged in a temporary file, so memory holds one batch at a time, never the
result. Money is ``decimal128``: a value that would lose a digit is refused, not rounded, and a
value that is not a ``Decimal`` (a float) is refused, naming the column.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain.runs import WrittenPart

COMPRESSION = "zstd"
Row = Sequence[Any]  # a tuple, or the driver's row as SQLAlchemy hands it


_MONEY_TYPES = frozenset({Decimal, type(None)})


def _decimals(values: Sequence[Any], field: pa.Field) -> pa.Array:
    """``Decimal`` values as ``decimal128`` through their text, which the cast parses: pyarrow's
    own conversion of ``Decimal`` objects costs about ten times as much (a fifth of an
    extraction's CPU), and the cast refuses a value that would lose a digit the same way."""
    try:
        # Decimal's own __str__ takes nothing but a Decimal: one pass converts and checks.
        texts: list[str | None] = list(map(Decimal.__str__, values))
    except TypeError:
        texts = _decimal_texts(values, field)
    try:
        return pa.array(texts, type=pa.string()).cast(field.type)
    except pa.ArrowInvalid as error:
        raise pa.ArrowInvalid(f"column {field.name}: {error}") from error


def _decimal_texts(values: Sequence[Any], field: pa.Field) -> list[str | None]:
    """The texts of a money column that holds a NULL, or refused if it holds a non-Decimal."""
    kinds = set(map(type, values))
    if not kinds <= _MONEY_TYPES:
        wrong = ", ".join(sorted(kind.__name__ for kind in kinds - _MONEY_TYPES))
        raise pa.ArrowTypeError(f"column {field.name}: money must be Decimal, not {wrong}")
    return [None if value is None else str(value) for value in values]


def _array(values: Sequence[Any], field: pa.Field) -> pa.Array:
    if pa.types.is_decimal(field.type):
        return _decimals(values, field)
    return pa.array(values, type=field.type)


def record_batch(rows: Sequence[Row], schema: pa.Schema) -> pa.RecordBatch:
    if rows and len(rows[0]) != len(schema):
        raise ValueError(f"a row has {len(rows[0])} values for {len(schema)} columns")
    # One C-level pass per column (itemgetter), cheaper than transposing the batch with zip.
    arrays = [
        _array(list(map(itemgetter(position), rows)), field)
        for position, field in enumerate(schema)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class PartWriter:
    """Writes a run's parts; ``close()`` uploads the last one (an empty run gets one part)."""

    store: ResultsStore
    schema: pa.Schema
    key_for: Callable[[int], str]
    rows_per_part: int
    workdir: Path
    parts: list[WrittenPart] = field(default_factory=list)
    _writer: pq.ParquetWriter | None = None
    _path: Path | None = None
    _rows: int = 0

    def write(self, rows: Sequence[Row]) -> None:
        if self._writer is not None and self._rows >= self.rows_per_part:
            self._finish_part()
        if self._writer is None:
            self._start_part()
        assert self._writer is not None
        self._writer.write_batch(record_batch(rows, self.schema))
        self._rows += len(rows)

    def close(self) -> list[WrittenPart]:
        if self._writer is None and not self.parts:
            self._start_part()
        if self._writer is not None:
            self._finish_part()
        return self.parts

    def _start_part(self) -> None:
        self._path = self.workdir / f"part-{len(self.parts):05d}.parquet"
        self._writer = pq.ParquetWriter(
            self._path, self.schema, compression=COMPRESSION, write_statistics=True
        )
        self._rows = 0

    def _finish_part(self) -> None:
        assert self._writer is not None
        assert self._path is not None
        self._writer.close()
        key = self.key_for(len(self.parts))
        digest = _sha256(self._path)
        size = self._path.stat().st_size
        version = self.store.put_file(key, self._path, digest)
        self.parts.append(
            WrittenPart(key=key, rows=self._rows, bytes=size, sha256=digest, version_id=version)
        )
        self._path.unlink()
        self._writer, self._path = None, None


def write_parts(
    batches: Iterable[Sequence[Row]],
    *,
    store: ResultsStore,
    schema: pa.Schema,
    key_for: Callable[[int], str],
    rows_per_part: int,
    observe: Callable[[Sequence[Row]], None] = lambda _rows: None,
    written: list[WrittenPart] | None = None,
) -> list[WrittenPart]:
    """Write every batch (after ``observe`` has seen it) and upload the parts.

    Each uploaded part is appended to ``written`` as soon as it is up, so a caller knows what
    an extraction that failed half way left in the bucket.
    """
    with tempfile.TemporaryDirectory(prefix="sox-parts-") as workdir:
        writer = PartWriter(store, schema, key_for, rows_per_part, Path(workdir))
        if written is not None:
            writer.parts = written
        for rows in batches:
            if rows:
                observe(rows)
                writer.write(rows)
        return writer.close()
