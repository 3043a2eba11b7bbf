"""trigger_archive under throttled and failing S3 and Secrets Manager calls: the run completes,
every selected client's trigger file is written once, in the seed's key layout."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from strongroom.local.endpoints import Endpoints
from tests.e2e.faults.conftest import SetFaults, counters, report
from tests.e2e.trigger_archive.conftest import SEED_QUERY
from tests.e2e.trigger_archive.helpers import ids_archived_for, invoke, run_reports, versions_of

pytestmark = pytest.mark.e2e
DAY = date(2025, 6, 2)  # a day of its own: no other test archives it
RULES: list[dict[str, Any]] = [
    {
        "service": "secretsmanager",
        "operation": "GetSecretValue",
        "error": "throttle",
        "max_faults": 2,
    },
    {"service": "s3", "operation": "PutObject", "error": "throttle", "fraction": 0.2},
    {"service": "s3", "error": "5xx", "fraction": 0.1},
]


def _selected(endpoints: Endpoints) -> set[int]:
    path = Path(endpoints.standins["mediant_db"]["path"])
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return {int(row[0]) for row in connection.execute(SEED_QUERY)}


def test_a_run_under_throttled_s3_and_secrets_archives_every_client_once(
    aws: Any, endpoints: Endpoints, faults: SetFaults
) -> None:
    outputs = endpoints.outputs["trigger_archive"]
    bucket = outputs["ArchiveBucketName"]
    selected = _selected(endpoints)
    faults(3, [{**rule, "principal": outputs["FunctionName"]} for rule in RULES])

    response, payload = invoke(aws, outputs["FunctionName"], {"trigger_date": DAY.isoformat()})
    rules = counters(endpoints)

    s3 = aws("s3")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="trigger/")
    keys = [entry["Key"] for page in pages for entry in page.get("Contents", [])]
    archived = ids_archived_for(keys, DAY)
    stamp = DAY.strftime("%Y%m%d")
    versions = {
        key: len(versions_of(aws, bucket, key)) for key in keys if key.endswith(f"_{stamp}.json")
    }
    figures = {
        "clients": len(selected),
        "function_error": response.get("FunctionError"),
        "successful_archives": payload.get("body", {}).get("successful_archives"),
        "calls": {f"{r['service']}:{r['operation']}:{r['error']}": r["seen"] for r in rules},
        "faulted": {f"{r['service']}:{r['operation']}:{r['error']}": r["faulted"] for r in rules},
        "sdk_retries": {
            f"{r['service']}:{r['operation']}:{r['error']}": r["retries"] for r in rules
        },
        "trigger_files": len(versions),
        "versions_per_file": sorted(set(versions.values())),
        "run_reports": len(run_reports(aws, bucket, DAY)),
    }
    report("trigger_archive", figures)
    assert "FunctionError" not in response, payload
    assert payload["statusCode"] == 200, payload
    assert payload["body"]["successful_archives"] == payload["body"]["total_clients"]
    assert archived == selected
    assert figures["versions_per_file"] == [1]
    assert figures["run_reports"] == 1
    # A warm function holds its secrets for SECRET_CACHE_SECONDS: Secrets Manager is called (and
    # faulted) only when this run is the first in that while; S3 is called on every run.
    assert all(rule["faulted"] > 0 for rule in rules if rule["seen"] > 0)
    assert all(rule["faulted"] > 0 for rule in rules if rule["service"] == "s3")
