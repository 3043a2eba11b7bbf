"""``strongroom archive catalog-migrate``: bring archives catalogued before decision 0013 into
the new catalog (Parquet manifests and archive records), from what sits beside them."""

from __future__ import annotations

from typing import Annotated

import boto3
import typer
from botocore.exceptions import BotoCoreError, ClientError

from strongroom.cli.common import (
    DEFAULT_STATE,
    StateDirOption,
    console,
    fail,
    local_client,
    running_stack,
    stack_output,
)
from strongroom.deep_archive.public import migrate_project

SYSTEM = "deep_archive"


def catalog_migrate(
    project: Annotated[str, typer.Option(help="The project whose archives to migrate.")],
    jobs_table: Annotated[
        str | None, typer.Option(help="Jobs table on AWS (with --catalog-table, --archive-bucket).")
    ] = None,
    catalog_table: Annotated[str | None, typer.Option(help="Catalog table on AWS.")] = None,
    archive_bucket: Annotated[str | None, typer.Option(help="Archive bucket on AWS.")] = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Write each archive's Parquet manifest (if missing) and its archive record; idempotent,
    deletes nothing. Without the AWS names, the running local stack's."""
    named = (jobs_table, catalog_table, archive_bucket)
    if any(name is not None for name in named) and not all(name is not None for name in named):
        raise fail("on AWS give all of --jobs-table, --catalog-table and --archive-bucket")
    if jobs_table is not None and catalog_table is not None and archive_bucket is not None:
        session = boto3.session.Session()
        dynamodb, s3 = session.client("dynamodb"), session.client("s3")
    else:
        endpoints = running_stack(state_dir)
        jobs_table = stack_output(endpoints, SYSTEM, "JobsTableName")
        catalog_table = stack_output(endpoints, SYSTEM, "CatalogTableName")
        archive_bucket = stack_output(endpoints, SYSTEM, "ArchiveBucketName")
        dynamodb, s3 = local_client(endpoints, "dynamodb"), local_client(endpoints, "s3")
    try:
        report = migrate_project(
            project,
            jobs_table=jobs_table,
            catalog_table=catalog_table,
            archive_bucket=archive_bucket,
            dynamodb=dynamodb,
            s3=s3,
        )
    except (BotoCoreError, ClientError) as error:
        raise fail(f"migration stopped (rerun it to go on): {error}") from error
    console.print(
        f"project {project}: {report.archives:,} archives, {report.manifests_written:,} Parquet "
        f"manifests written, {report.records_written:,} archive records written"
    )
    for archive_key in report.without_manifest:
        console.print(
            f"no manifest (never written, or still packing): {archive_key}", style="yellow"
        )
