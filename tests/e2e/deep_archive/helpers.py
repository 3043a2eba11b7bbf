"""What the deep_archive e2e tests share: waiting for a job, posting with curl as a user would,
reading the catalog (archive records and Parquet manifests) as restores do."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from strongroom.deep_archive.adapters.archive_record_store import DynamoDBArchiveRecords
from strongroom.deep_archive.adapters.job_files import parquet_manifest_key
from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog, S3ManifestReader
from strongroom.deep_archive.adapters.parquet_manifest import read_stored_manifest
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.local.api_client import ApiClient
from tests.support.waiting import eventually

FINISHED = {"SUCCEEDED", "FAILED", "PLANNED"}


def finished(api: ApiClient, job_id: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        body = api.get("jobs", job_id).body
        return dict(body) if body["status"] in FINISHED else None

    return eventually(done, timeout=120, interval=0.5)


def curl_post(url: str, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    completed = subprocess.run(
        [
            "curl",
            "--silent",
            "--max-time",
            "30",
            "--write-out",
            "\n%{http_code}",
            "--header",
            f"Authorization: Bearer {token}",
            "--header",
            "Content-Type: application/json",
            "--data-raw",
            json.dumps(body),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    text, _, status = completed.stdout.rpartition("\n")
    return int(status), json.loads(text)


def manifest_catalog(aws: Any, outputs: dict[str, str]) -> ManifestCatalog:
    """Full-key lookups through the stack's archive records and Parquet manifests."""
    return ManifestCatalog(
        DynamoDBArchiveRecords(outputs["CatalogTableName"], aws("dynamodb")),
        S3ManifestReader(aws("s3")),
    )


def job_entries(
    aws: Any, outputs: dict[str, str], project: str, job: dict[str, Any]
) -> dict[str, list[CatalogEntry]]:
    """Each key the job (its ``GET /jobs`` body) archived, with its entries in the job's
    Parquet manifests: one each when every file was catalogued once."""
    found: dict[str, list[CatalogEntry]] = {}
    for archive_key in job["archives"]:
        key = parquet_manifest_key(project, job["job_id"], archive_key)
        for entry in read_stored_manifest(aws("s3"), outputs["ArchiveBucketName"], key):
            found.setdefault(entry.key, []).append(entry)
    return found
