"""An archive job's catalog turned back into what the code before decision 0013 left: per-file
items and a JSON Lines manifest beside each archive, no Parquet manifest, no archive record.

Built from what the packer writes now (the Parquet manifests), so tests of the migration and of
the per-file fallbacks start from a real job's figures.
"""

from __future__ import annotations

from typing import Any

from strongroom.deep_archive.adapters.archive_record_store import archives_pk, jobs_pk
from strongroom.deep_archive.adapters.catalog_store import DynamoDBCatalogStore
from strongroom.deep_archive.adapters.job_files import manifest_key, parquet_manifest_key
from strongroom.deep_archive.adapters.parquet_manifest import read_stored_manifest
from strongroom.deep_archive.domain.catalog import CatalogEntry


def as_the_old_code_left_it(
    s3: Any,
    dynamodb: Any,
    *,
    catalog_table: str,
    archive_bucket: str,
    project: str,
    job_id: str,
    archives: list[str],
) -> list[CatalogEntry]:
    """Rewrite job ``job_id``'s catalog the old way; its entries."""
    entries: list[CatalogEntry] = []
    for archive_key in archives:
        parquet_key = parquet_manifest_key(project, job_id, archive_key)
        archived = list(read_stored_manifest(s3, archive_bucket, parquet_key))
        lines = b"".join(entry.model_dump_json().encode() + b"\n" for entry in archived)
        s3.put_object(Bucket=archive_bucket, Key=manifest_key(archive_key), Body=lines)
        DynamoDBCatalogStore(catalog_table, dynamodb).put_entries(archived)
        s3.delete_object(Bucket=archive_bucket, Key=parquet_key)
        entries += archived
    for bucket in {entry.source_bucket for entry in entries}:
        dynamodb.delete_item(
            TableName=catalog_table,
            Key={"pk": {"S": jobs_pk(project, bucket)}, "sk": {"S": job_id}},
        )
        pages = dynamodb.get_paginator("query").paginate(
            TableName=catalog_table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": archives_pk(project, bucket, job_id)}},
        )
        for item in [item for page in pages for item in page["Items"]]:
            dynamodb.delete_item(TableName=catalog_table, Key={"pk": item["pk"], "sk": item["sk"]})
    return entries
