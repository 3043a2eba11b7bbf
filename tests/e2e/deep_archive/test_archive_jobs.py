"""deep_archive through the local stack: the API with tokens, the packer as a Batch job."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog
from strongroom.deep_archive.domain.restore_header import parse_restore_header
from strongroom.deep_archive.localdev import DEMO_BUCKET, DEMO_PROJECT, demo_files, put_demo_files
from strongroom.local.api_client import ApiClient
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from tests.e2e.deep_archive.helpers import curl_post, finished, manifest_catalog
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def catalog(aws: Any, outputs: dict[str, str]) -> ManifestCatalog:
    return manifest_catalog(aws, outputs)


def _source_keys(aws: Any, prefix: str) -> list[str]:
    pages = aws("s3").get_paginator("list_objects_v2").paginate(Bucket=DEMO_BUCKET, Prefix=prefix)
    return [entry["Key"] for page in pages for entry in page.get("Contents", [])]


def test_the_seed_request_posted_with_curl_archives_every_file_into_deep_archive(
    aws: Any, endpoints: Endpoints, outputs: dict[str, str], api: ApiClient, catalog: Any
) -> None:
    # The seed's sample body, adapted to the demo project the local stack registers.
    body = {
        "project_name": DEMO_PROJECT,
        "bucket_name": DEMO_BUCKET,
        "prefix": "20250410",
        "file_count": 50,
        "archive_size": 500,
        "account": "123456789012",
        "region": endpoints.region,
        "storage_class": "DEEP_ARCHIVE",
        "output_prefix": "demo-20250410",
    }
    status, accepted = curl_post(f"{outputs['ApiUrl']}/archive", endpoints.token, body)
    assert status == 202, accepted

    report = finished(api, accepted["job_id"])

    assert report["status"] == "SUCCEEDED", report
    sources = _source_keys(aws, "20250410/")
    assert report["counts"]["files_archived"] == len(sources) == 200
    s3 = aws("s3")
    archive_bucket = outputs["ArchiveBucketName"]
    for key in report["archives"]:
        assert key.startswith(f"demo-20250410/{DEMO_PROJECT}/{accepted['job_id']}/")
        assert s3.head_object(Bucket=archive_bucket, Key=key)["StorageClass"] == "DEEP_ARCHIVE"
    for key in sources:
        assert catalog.get_latest(DEMO_PROJECT, DEMO_BUCKET, key) is not None, key
    first = report["archives"][0]
    s3.restore_object(
        Bucket=archive_bucket,
        Key=first,
        RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}},
    )
    eventually(
        lambda: (
            parse_restore_header(
                s3.head_object(Bucket=archive_bucket, Key=first).get("Restore")
            ).readable
        )
    )
    data = s3.get_object(Bucket=archive_bucket, Key=first)["Body"].read()
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        assert opened.testzip() is None
    if shutil.which("unzip"):
        restored = Path(os.environ.get("TMPDIR", "/tmp")) / f"{accepted['job_id']}.zip"
        restored.write_bytes(data)
        try:
            checked = subprocess.run(
                ["unzip", "-t", str(restored)],
                check=False,
                capture_output=True,
                text=True,
                timeout=60,
            )
        finally:
            restored.unlink()
        assert checked.returncode == 0, checked.stdout

    # And the same request again skips every unchanged file (the records and manifests say so)
    again = api.post("archive", body=body)
    assert again.status == 202, again.body
    rerun = finished(api, again.body["job_id"])
    assert rerun["status"] == "SUCCEEDED", rerun
    assert rerun["counts"]["files_skipped_unchanged"] == len(sources)
    assert (rerun["counts"]["archives_planned"], rerun["archives"]) == (0, [])


def test_a_bucket_the_project_did_not_register_is_refused(api: ApiClient) -> None:
    answer = api.post(
        "archive",
        body={"project_name": DEMO_PROJECT, "bucket_name": "another-teams-bucket", "prefix": ""},
    )

    assert answer.status == 403
    assert "another-teams-bucket" in answer.message


def test_without_the_archive_scope_the_api_refuses(
    local_stack: LocalStack, outputs: dict[str, str]
) -> None:
    reader = ApiClient(outputs["ApiUrl"], local_stack.mint_token(["deep_archive/read"]))

    answer = reader.post(
        "archive", body={"project_name": DEMO_PROJECT, "bucket_name": DEMO_BUCKET, "prefix": "x"}
    )

    assert answer.status == 403


def test_an_expected_files_mismatch_archives_nothing(
    aws: Any, api: ApiClient, outputs: dict[str, str]
) -> None:
    put_demo_files(aws("s3"), DEMO_BUCKET, demo_files("e2e-mismatch", 12))
    accepted = api.post(
        "archive",
        body={
            "project_name": DEMO_PROJECT,
            "bucket_name": DEMO_BUCKET,
            "prefix": "e2e-mismatch",
            "expected_files": 13,
        },
    ).body

    report = finished(api, accepted["job_id"])

    assert report["status"] == "FAILED"
    assert "expected_files is 13" in report["status_reason"]
    assert "holds 12" in report["status_reason"]
    archived = aws("s3").list_objects_v2(
        Bucket=outputs["ArchiveBucketName"], Prefix=f"{DEMO_PROJECT}/{accepted['job_id']}"
    )
    assert archived["KeyCount"] == 0
    assert len(_source_keys(aws, "e2e-mismatch/")) == 12


def test_delete_source_removes_sources_only_once_archived_and_catalogued(
    aws: Any, api: ApiClient, catalog: Any
) -> None:
    put_demo_files(aws("s3"), DEMO_BUCKET, demo_files("e2e-delete", 40))
    keys = _source_keys(aws, "e2e-delete/")
    accepted = api.post(
        "archive",
        body={
            "project_name": DEMO_PROJECT,
            "bucket_name": DEMO_BUCKET,
            "prefix": "e2e-delete",
            "file_count": 15,
            "delete_source": True,
        },
    ).body

    report = finished(api, accepted["job_id"])

    assert report["status"] == "SUCCEEDED", report
    assert report["counts"]["sources_deleted"] == 40
    assert _source_keys(aws, "e2e-delete/") == []
    assert all(catalog.get_latest(DEMO_PROJECT, DEMO_BUCKET, key) for key in keys)


def test_a_packer_killed_mid_job_is_finished_by_a_rerun_without_duplicates(
    aws: Any, api: ApiClient, outputs: dict[str, str], local_stack: LocalStack
) -> None:
    put_demo_files(aws("s3"), DEMO_BUCKET, demo_files("e2e-kill", 400))
    accepted = api.post(
        "archive",
        body={
            "project_name": DEMO_PROJECT,
            "bucket_name": DEMO_BUCKET,
            "prefix": "e2e-kill",
            "file_count": 20,
        },
    ).body
    job_id = accepted["job_id"]
    batch = aws("batch")
    batch_job = api.get("jobs", job_id).body["batch_job_ids"][0]
    eventually(lambda: api.get("jobs", job_id).body["counts"]["archives_done"] >= 1, interval=0.05)
    batch.terminate_job(jobId=batch_job, reason="e2e: kill mid-job")
    stopped = eventually(
        lambda: (
            (found := batch.describe_jobs(jobs=[batch_job])["jobs"][0])["status"]
            in {"FAILED", "SUCCEEDED"}
            and found
        )
    )
    before = api.get("jobs", job_id).body
    assert stopped["status"] == "FAILED"
    assert before["status"] == "PACKING", before

    # The operator's rerun: the packer's own entry point, with the job definition's environment.
    environment = {
        **os.environ,
        **local_stack.emulator.aws_environment(),
        "PROJECTS_TABLE_NAME": outputs["ProjectsTableName"],
        "JOBS_TABLE_NAME": outputs["JobsTableName"],
        "CATALOG_TABLE_NAME": outputs["CatalogTableName"],
        "ARCHIVE_BUCKET_NAME": outputs["ArchiveBucketName"],
        "JOB_QUEUE_ARN": outputs["JobQueueArn"],
        "JOB_DEFINITION_ARN": outputs["JobDefinitionArn"],
        "AWS_BATCH_JOB_ATTEMPT": "2",
    }
    rerun = subprocess.run(
        [sys.executable, "-m", "strongroom.deep_archive.jobs.packer", job_id],
        check=False,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert rerun.returncode == 0, rerun.stderr[-2000:]
    report = api.get("jobs", job_id).body
    assert report["status"] == "SUCCEEDED", report
    assert report["counts"]["files_archived"] == 400
    listed = aws("s3").list_objects_v2(
        Bucket=outputs["ArchiveBucketName"], Prefix=f"{DEMO_PROJECT}/{job_id}/"
    )
    archives = [entry["Key"] for entry in listed["Contents"] if entry["Key"].endswith(".zip")]
    assert sorted(archives) == sorted(report["archives"])
    assert len(archives) == 20
    uploads = aws("s3").list_multipart_uploads(Bucket=outputs["ArchiveBucketName"])
    assert not uploads.get("Uploads")
