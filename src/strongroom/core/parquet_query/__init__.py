"""One SQL query over Parquet in S3, answered by Athena on AWS and by DuckDB on the local stack.

Athena is not emulated locally, so the local stack reads the same objects with DuckDB through
pyarrow's S3 filesystem: the same SQL, the same tables, the same answers. A system names its
tables once (:class:`ParquetTable`); on AWS each is a Glue table of that name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from strongroom.core.aws import client
from strongroom.core.parquet_query.athena import AthenaParquetQuery
from strongroom.core.parquet_query.port import (
    Parameter,
    ParquetQuery,
    ParquetTable,
    QueryAnswer,
    QueryFailed,
    QueryTimedOut,
)

__all__ = [
    "Parameter",
    "ParquetQuery",
    "ParquetTable",
    "QueryAnswer",
    "QueryFailed",
    "QueryTimedOut",
    "parquet_query_from_environment",
]

ENGINE_VARIABLE = "PARQUET_QUERY_ENGINE"


def parquet_query_from_environment(environment: Mapping[str, str] = os.environ) -> ParquetQuery:
    """DuckDB when ``PARQUET_QUERY_ENGINE=duckdb`` (the local stack sets it); Athena otherwise,
    in ``ATHENA_DATABASE`` through workgroup ``ATHENA_WORKGROUP`` (default ``primary``)."""
    engine = environment.get(ENGINE_VARIABLE, "athena")
    if engine == "duckdb":
        from strongroom.core.parquet_query.duckdb_engine import (  # noqa: PLC0415 - local extra
            DuckDbParquetQuery,
        )

        return DuckDbParquetQuery()
    if engine != "athena":
        raise QueryFailed(f"{ENGINE_VARIABLE}: must be athena or duckdb, not {engine!r}")
    database = environment.get("ATHENA_DATABASE")
    if not database:
        raise QueryFailed("ATHENA_DATABASE: required to query with Athena")
    return AthenaParquetQuery(
        client("athena"), database, environment.get("ATHENA_WORKGROUP", "primary")
    )
