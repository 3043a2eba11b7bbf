"""The run's Parquet objects read once more, at their versions, for the evidence files.

One pass per object, a record batch at a time (never a whole table in memory): the footer's row
count, each column's count, nulls, min and max (``pyarrow.compute`` per batch), the control-total
columns summed exactly, and the first rows of the data snapshot.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain.evidence_files import (
    SNAPSHOT_ROWS,
    ColumnProfile,
    ParquetProfile,
)
from strongroom.sox_evidence.domain.runs import WrittenPart
from strongroom.sox_evidence.domain.schema import Column

BATCH_ROWS = 65_536


def _add_batch(batch: pa.RecordBatch, profile: ParquetProfile) -> None:
    for index, column in enumerate(profile.columns):
        values = batch.column(index)
        nulls = values.null_count
        extremes = pc.min_max(values) if nulls < len(values) else None
        column.add(
            len(values) - nulls,
            nulls,
            None if extremes is None else extremes["min"].as_py(),
            None if extremes is None else extremes["max"].as_py(),
        )
    for name in profile.totals:
        total = pc.sum(batch.column(name)).as_py()
        if total is not None:
            profile.totals[name] += Decimal(total)
    wanted = SNAPSHOT_ROWS - len(profile.first_rows)
    if wanted > 0:
        head = batch.slice(0, wanted).to_pylist()
        profile.first_rows.extend([row[name] for name in profile.header] for row in head)


def profile_parts(
    parts: Sequence[WrittenPart],
    store: ResultsStore,
    columns: Sequence[Column],
    control_totals: Sequence[str],
) -> ParquetProfile:
    names = [column.name for column in columns]
    profile = ParquetProfile(
        columns=[ColumnProfile(column.name, column.type) for column in columns],
        totals=dict.fromkeys(control_totals, Decimal(0)),
        header=names,
    )
    for part in parts:
        with tempfile.TemporaryFile(prefix="sox-evidence-") as stream:
            store.download(part.key, part.version_id, stream)
            stream.flush()
            stream.seek(0)
            parquet = pq.ParquetFile(stream)
            profile.rows_per_part[part.key] = parquet.metadata.num_rows
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=names):
                _add_batch(batch, profile)
    return profile
