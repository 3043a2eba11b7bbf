"""Where ``strongroom sox query`` runs its SQL: one table per IPE over the results bucket.

On AWS through Athena (the Glue tables of the stack's database, in its workgroup, whose output
location and bytes-scanned limit are enforced); on the local stack through DuckDB over the same
Parquet objects in the stack's S3 (Athena is not emulated). Either way the tables are named
like the Glue tables: the IPE id in lower case (``ipe_07`` reads ``ipe/IPE_07/``), with
``cutoff_date`` and ``run_id`` as string columns from the partition folders.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import boto3
import pyarrow as pa
from botocore.exceptions import BotoCoreError, ClientError
from pyarrow import fs
from rich.markup import escape

from strongroom.cli.common import console, errors, fail, running_stack, stack_output
from strongroom.cli.sox_invoke import SYSTEM
from strongroom.cli.sox_output import answer_table, write_csv, write_json
from strongroom.core.parquet_query import (
    ParquetQuery,
    ParquetTable,
    QueryFailed,
    QueryTimedOut,
)
from strongroom.core.parquet_query.athena import AthenaParquetQuery
from strongroom.local.emulator import LOCAL_CREDENTIALS
from strongroom.sox_evidence.public import arrow_schema, catalog

DEFAULT_DATABASE = "jumia_sox_db"
DEFAULT_WORKGROUP = "sox-evidence"
PARTITION_COLUMNS = ("cutoff_date", "run_id")


@dataclass(frozen=True)
class QueryTarget:
    engine: ParquetQuery
    bucket: str
    where: str
    """Said in errors: which engine over which bucket."""


def ipe_tables(bucket: str) -> list[ParquetTable]:
    """One table per IPE of the catalog, named like its Glue table; its schema (the catalog's
    columns and the partition columns) answers for an IPE that has no run yet."""
    tables = []
    for ipe_id, entry in catalog().items():
        schema = arrow_schema(entry.definition.columns)
        for name in PARTITION_COLUMNS:
            schema = schema.append(pa.field(name, pa.string()))
        tables.append(ParquetTable(ipe_id.lower(), bucket, f"ipe/{ipe_id}/", schema))
    return tables


def query_target(
    bucket: str | None, database: str | None, workgroup: str | None, state_dir: Path
) -> QueryTarget:
    """Athena when ``--bucket`` names the results bucket on AWS; else the local stack's bucket
    through DuckDB."""
    if bucket is not None:
        athena = boto3.session.Session().client("athena")
        name, group = database or DEFAULT_DATABASE, workgroup or DEFAULT_WORKGROUP
        engine = AthenaParquetQuery(athena, name, group)
        return QueryTarget(engine, bucket, f"Athena ({name}, workgroup {group})")
    if database is not None or workgroup is not None:
        raise fail("--database and --workgroup are Athena's: give --bucket to query on AWS")
    # DuckDB comes with the local extra only, as the local stack does.
    from strongroom.core.parquet_query.duckdb_engine import DuckDbParquetQuery  # noqa: PLC0415

    endpoints = running_stack(state_dir)
    results = stack_output(endpoints, SYSTEM, "ResultsBucketName")
    endpoint = urlsplit(endpoints.aws_endpoint_url)
    filesystem = fs.S3FileSystem(
        access_key=LOCAL_CREDENTIALS["aws_access_key_id"],
        secret_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
        region=endpoints.region,
        endpoint_override=endpoint.netloc,
        scheme=endpoint.scheme,
    )
    return QueryTarget(DuckDbParquetQuery(filesystem), results, f"DuckDB over s3://{results}")


def run_query(
    sql: str,
    *,
    output: str,
    timeout_s: float,
    bucket: str | None,
    database: str | None,
    workgroup: str | None,
    state_dir: Path,
    out: TextIO,
) -> None:
    """Run ``sql`` and print the answer as ``output`` (table, csv, json); exit 1 naming the
    engine's complaint when the query fails or times out."""
    target = query_target(bucket, database, workgroup, state_dir)
    try:
        answer = target.engine.run(sql, ipe_tables(target.bucket), timeout_s=timeout_s)
        if output == "csv":
            write_csv(answer.columns, answer.rows, out)
        elif output == "json":
            write_json(answer.columns, answer.rows, out)
        else:
            console.print(answer_table(answer.columns, answer.rows))
    except QueryTimedOut as error:
        raise fail(
            escape(f"the query was cancelled after --timeout {timeout_s:g} s: {error}")
        ) from error
    except QueryFailed as error:
        raise fail(escape(f"the query failed on {target.where}: {error}")) from error
    except (BotoCoreError, ClientError) as error:  # no such workgroup, no permission, no network
        raise fail(escape(f"could not query {target.where}: {error}")) from error
    scanned = answer.bytes_scanned()
    if scanned is not None:
        errors.print(f"Athena query {answer.query_id}: {scanned:,} bytes scanned")
