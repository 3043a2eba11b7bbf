"""The deep_archive tables with the exact schema the SAM template gives them (for moto tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROJECTS_TABLE = "test-DeepArchiveProjects"
JOBS_TABLE = "test-DeepArchiveJobs"
CATALOG_TABLE = "test-DeepArchiveCatalog"


def _strings(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": "S"} for name in names]


def _key(hash_key: str, range_key: str | None = None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def create_projects_table(client: Any, name: str = PROJECTS_TABLE) -> None:
    client.create_table(
        TableName=name,
        AttributeDefinitions=_strings("name"),
        KeySchema=_key("name"),
        BillingMode="PAY_PER_REQUEST",
    )


def create_jobs_table(client: Any, name: str = JOBS_TABLE) -> None:
    client.create_table(
        TableName=name,
        AttributeDefinitions=_strings("job_id", "record", "run_key", "created_at"),
        KeySchema=_key("job_id", "record"),
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byRunKey",
                "KeySchema": _key("run_key", "created_at"),
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def create_catalog_table(client: Any, name: str = CATALOG_TABLE) -> None:
    client.create_table(
        TableName=name,
        AttributeDefinitions=_strings("pk", "sk", "file_name_key"),
        KeySchema=_key("pk", "sk"),
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byFileName",
                "KeySchema": _key("file_name_key", "pk"),
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )


@dataclass(frozen=True)
class DeepArchiveTables:
    projects: str = PROJECTS_TABLE
    jobs: str = JOBS_TABLE
    catalog: str = CATALOG_TABLE


def create_deep_archive_tables(
    client: Any, tables: DeepArchiveTables | None = None
) -> DeepArchiveTables:
    """Create the three tables in ``client``'s DynamoDB; their names."""
    tables = tables or DeepArchiveTables()
    create_projects_table(client, tables.projects)
    create_jobs_table(client, tables.jobs)
    create_catalog_table(client, tables.catalog)
    return tables


RESTORES_TABLE = "test-DeepArchiveRestores"


def create_restores_table(client: Any, name: str = RESTORES_TABLE) -> None:
    """The restore requests: sparse KEYS_ONLY indexes of open requests and waiting files."""
    client.create_table(
        TableName=name,
        AttributeDefinitions=_strings("restore_id", "item", "open_request", "waiting_archive"),
        KeySchema=_key("restore_id", "item"),
        GlobalSecondaryIndexes=[
            {
                "IndexName": "openRequests",
                "KeySchema": _key("open_request"),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
            {
                "IndexName": "byArchive",
                "KeySchema": _key("waiting_archive"),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        BillingMode="PAY_PER_REQUEST",
    )
