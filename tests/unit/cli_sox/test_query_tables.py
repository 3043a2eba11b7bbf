"""The tables ``strongroom sox query`` offers: one per IPE, named and shaped like its Glue table."""

from __future__ import annotations

import pyarrow as pa

from strongroom.cli.sox_query import ipe_tables
from strongroom.sox_evidence.public import catalog


def test_each_ipe_is_a_table_over_its_prefix_with_the_partition_columns() -> None:
    tables = {table.name: table for table in ipe_tables("results")}

    assert set(tables) == {ipe_id.lower() for ipe_id in catalog()}
    ipe_07 = tables["ipe_07"]
    assert ipe_07.location == "s3://results/ipe/IPE_07/"
    assert ipe_07.schema is not None
    assert ipe_07.schema.field("remaining_amount_lcy").type == pa.decimal128(18, 2)
    assert ipe_07.schema.field("posting_date").type == pa.date32()
    assert ipe_07.schema.names[-2:] == ["cutoff_date", "run_id"]
    assert ipe_07.schema.field("cutoff_date").type == pa.string()
