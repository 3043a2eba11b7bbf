"""deep_archive packing under S3 errors: the job completes with every file cataloged once, or
fails with the reason in its job record; never a silent gap."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from strongroom.deep_archive.localdev import DEMO_BUCKET, DEMO_PROJECT, demo_files, put_demo_files
from strongroom.local.api_client import ApiClient
from strongroom.local.endpoints import Endpoints
from tests.e2e.deep_archive.helpers import finished, job_entries
from tests.e2e.faults.conftest import SetFaults, counters, report

pytestmark = pytest.mark.e2e
FILES, PER_ARCHIVE = 60, 10
RULES: list[dict[str, Any]] = [
    {"service": "s3", "operation": "GetObject", "error": "throttle", "fraction": 0.1},
    {"service": "s3", "operation": "*", "error": "5xx", "fraction": 0.1},
]


def test_a_job_under_s3_errors_catalogs_every_file_once_or_fails_visibly(
    aws: Any, endpoints: Endpoints, faults: SetFaults
) -> None:
    outputs = endpoints.outputs["deep_archive"]
    api = ApiClient(outputs["ApiUrl"], endpoints.token)
    prefix = f"faults-{uuid.uuid4().hex[:8]}"
    put_demo_files(aws("s3"), DEMO_BUCKET, demo_files(prefix, FILES))
    pages = aws("s3").get_paginator("list_objects_v2").paginate(Bucket=DEMO_BUCKET, Prefix=prefix)
    sources = [entry["Key"] for page in pages for entry in page.get("Contents", [])]
    faults(4, RULES)

    accepted = api.post(
        "archive",
        body={
            "project_name": DEMO_PROJECT,
            "bucket_name": DEMO_BUCKET,
            "prefix": prefix,
            "file_count": PER_ARCHIVE,
        },
    )
    assert accepted.status == 202, accepted.body
    job = finished(api, accepted.body["job_id"])
    rules = counters(endpoints)

    entries = job_entries(aws, outputs, DEMO_PROJECT, job)
    cataloged = {key: entries.get(key, []) for key in sources}
    figures = {
        "files": len(sources),
        "status": job["status"],
        "reason": job.get("status_reason"),
        "errors": len(job.get("errors", [])),
        "files_failed": job["counts"]["files_failed"],
        "files_archived": job["counts"]["files_archived"],
        "archives": len(job["archives"]),
        "calls": [rule["seen"] for rule in rules],
        "faulted": [rule["faulted"] for rule in rules],
        "sdk_retries": [rule["retries"] for rule in rules],
        "files_cataloged_once": sum(len(items) == 1 for items in cataloged.values()),
    }
    report("deep_archive", figures)
    assert all(rule["faulted"] > 0 for rule in rules)
    if job["status"] == "SUCCEEDED":
        assert figures["files_archived"] == figures["files_cataloged_once"] == len(sources)
        archives = set(job["archives"])
        for items in cataloged.values():
            assert items[0].archive_key in archives, items
    else:
        assert job["status"] == "FAILED", job
        assert figures["reason"] or figures["errors"], job
