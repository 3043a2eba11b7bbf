"""deep_archive under S3 errors with its packer killed mid-job, then restores under S3 errors.

The packer's process is killed (SIGKILL, as a reclaimed host or an out-of-memory kill would)
while S3 answers a share of its calls with errors; Batch runs the job's next attempt
(``RetryStrategy.Attempts``), which resumes from the archives' checkpoints. Then files of that
job are restored while the restore worker's S3 calls fail in the same way."""

from __future__ import annotations

import hashlib
import os
import signal
import uuid
from pathlib import Path
from typing import Any

import pytest

from strongroom.deep_archive.localdev import (
    DEMO_BUCKET,
    DEMO_PROJECT,
    demo_files,
    demo_topic_arn,
    put_demo_files,
)
from strongroom.local.api_client import ApiClient
from strongroom.local.control_client import call
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from tests.e2e.deep_archive.helpers import finished, job_entries
from tests.e2e.faults.conftest import SetFaults, counters, report
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
FILES, PER_ARCHIVE = 24, 6
PACKER_ENTRY = "strongroom.deep_archive.jobs.packer"
FINAL_RESTORE = {"COMPLETED", "PARTIAL", "FAILED"}


def _s3_errors(principal: str) -> list[dict[str, Any]]:
    """The workload's S3 reads throttled, and any of its S3 calls failing, 10 % each."""
    return [
        {
            "service": "s3",
            "operation": "GetObject",
            "principal": principal,
            "error": "throttle",
            "fraction": 0.1,
        },
        {"service": "s3", "principal": principal, "error": "5xx", "fraction": 0.1},
    ]


def _packer_pids(job_id: str) -> list[int]:
    """The processes running the packer for ``job_id`` (its command line names the job)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if PACKER_ENTRY.encode() in argv and job_id.encode() in argv:
            pids.append(int(entry.name))
    return pids


@pytest.fixture(scope="module")
def killed_job(aws: Any, endpoints: Endpoints) -> dict[str, Any]:
    """A job packed under S3 errors whose first attempt was killed mid-job: its figures."""
    outputs = endpoints.outputs["deep_archive"]
    api = ApiClient(outputs["ApiUrl"], endpoints.token)
    batch, s3 = aws("batch"), aws("s3")
    packer = outputs["JobDefinitionArn"].rsplit("/", 1)[1].split(":")[0]
    prefix = f"faults-kill-{uuid.uuid4().hex[:8]}"
    put_demo_files(s3, DEMO_BUCKET, demo_files(prefix, FILES))
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=DEMO_BUCKET, Prefix=prefix)
    sources = [entry["Key"] for page in pages for entry in page.get("Contents", [])]
    call(endpoints, "POST", "/faults", {"seed": 5, "rules": _s3_errors(packer)})
    try:
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
        job_id = accepted.body["job_id"]
        eventually(
            lambda: api.get("jobs", job_id).body["counts"]["archives_done"] >= 1, interval=0.05
        )
        pids = _packer_pids(job_id)
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        done_at_kill = api.get("jobs", job_id).body["counts"]["archives_done"]
        job = finished(api, job_id)
        rules = counters(endpoints)
    finally:
        call(endpoints, "DELETE", "/faults")
    batch_job = eventually(  # the process ends just after it marks the job record
        lambda: (
            (found := batch.describe_jobs(jobs=job["batch_job_ids"][:1])["jobs"][0])["status"]
            in {"SUCCEEDED", "FAILED"}
            and found
        )
    )
    archive_bucket = outputs["ArchiveBucketName"]
    listed = s3.list_objects_v2(Bucket=archive_bucket, Prefix=f"{DEMO_PROJECT}/{job_id}/")
    entries = job_entries(aws, outputs, DEMO_PROJECT, job)
    return {
        "job": job,
        "sources": sources,
        "killed": pids,
        "archives_done_at_kill": done_at_kill,
        "batch_attempts": len(batch_job["attempts"]),
        "batch_status": batch_job["status"],
        "rules": rules,
        "zips": sorted(e["Key"] for e in listed.get("Contents", []) if e["Key"].endswith(".zip")),
        "uploads_left": [
            upload["Key"]
            for upload in s3.list_multipart_uploads(Bucket=archive_bucket).get("Uploads", [])
            if upload["Key"].startswith(f"{DEMO_PROJECT}/{job_id}/")
        ],
        "catalog": {key: entries.get(key, []) for key in sources},
    }


def test_a_packer_killed_under_s3_errors_is_retried_and_archives_every_file_once(
    killed_job: dict[str, Any],
) -> None:
    job, catalog, rules = killed_job["job"], killed_job["catalog"], killed_job["rules"]
    figures = {
        "files": len(killed_job["sources"]),
        "processes_killed": len(killed_job["killed"]),
        "archives_done_at_kill": killed_job["archives_done_at_kill"],
        "batch_attempts": killed_job["batch_attempts"],
        "status": job["status"],
        "files_archived": job["counts"]["files_archived"],
        "archives": len(job["archives"]),
        "calls": [rule["seen"] for rule in rules],
        "faulted": [rule["faulted"] for rule in rules],
        "sdk_retries": [rule["retries"] for rule in rules],
        "files_cataloged_once": sum(len(items) == 1 for items in catalog.values()),
        "multipart_uploads_left": len(killed_job["uploads_left"]),
    }
    report("deep_archive_killed", figures)
    assert figures["processes_killed"] == 1
    assert killed_job["batch_attempts"] == 2  # the killed attempt, then Batch's retry
    assert killed_job["batch_status"] == "SUCCEEDED"
    assert job["status"] == "SUCCEEDED", job
    assert figures["files_archived"] == figures["files_cataloged_once"] == len(catalog)
    assert killed_job["zips"] == sorted(job["archives"])  # no half-written archive is visible
    assert all(items[0].archive_key in job["archives"] for items in catalog.values())
    assert figures["multipart_uploads_left"] == 0
    assert all(rule["faulted"] > 0 for rule in rules)


def _function_name(local_stack: LocalStack, system: str, logical_id: str) -> str:
    [name] = [
        spec.name
        for spec in local_stack.topology.functions
        if (spec.system, spec.logical_id) == (system, logical_id)
    ]
    return name


def test_restores_under_s3_errors_come_back_byte_identical_or_fail_visibly(
    aws: Any,
    endpoints: Endpoints,
    local_stack: LocalStack,
    faults: SetFaults,
    killed_job: dict[str, Any],
) -> None:
    outputs = endpoints.outputs["deep_archive"]
    api = ApiClient(outputs["ApiUrl"], endpoints.token)
    s3 = aws("s3")
    by_archive: dict[str, str] = {}
    for key, items in killed_job["catalog"].items():
        by_archive.setdefault(items[0].archive_key, key)
    chosen = sorted(by_archive.values())[:4]
    worker = _function_name(local_stack, "deep_archive", "RestoreWorkerFunction")
    faults(6, _s3_errors(worker))

    accepted = api.post(
        "restore",
        body={
            "project_name": DEMO_PROJECT,
            "files": chosen,
            "account": "123456789012",
            "region": endpoints.region,
            "retrieval_tier": "Standard",
            "sns_topic_arn": demo_topic_arn(endpoints.region),
        },
    )
    assert accepted.status in (200, 202), accepted.body
    restore_id = accepted.body["restore_id"]
    final = eventually(
        lambda: (body := api.get("restores", restore_id).body)["status"] in FINAL_RESTORE and body,
        timeout=90,
        interval=0.2,
    )
    rules = counters(endpoints)

    identical = 0
    for key in chosen:
        restored = s3.get_object(
            Bucket=outputs["RestoreBucketName"], Key=f"restores/{restore_id}/{key}"
        )["Body"].read()
        source = s3.get_object(Bucket=DEMO_BUCKET, Key=key)["Body"].read()
        identical += hashlib.sha256(restored).digest() == hashlib.sha256(source).digest()
    figures = {
        "files": len(chosen),
        "status": final["status"],
        "calls": [rule["seen"] for rule in rules],
        "faulted": [rule["faulted"] for rule in rules],
        "sdk_retries": [rule["retries"] for rule in rules],
        "byte_identical": identical,
    }
    report("deep_archive_restore", figures)
    assert final["status"] == "COMPLETED", final
    assert identical == len(chosen)
    assert sum(rule["faulted"] for rule in rules) > 0
