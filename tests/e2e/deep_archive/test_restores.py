"""Restores through the local stack, with archived objects taking time to restore.

The stack's restore delay is on (tests/e2e/conftest.py), so every restore is first seen in
progress, then done, and the worker learns it from S3's restore-completed event, as on AWS.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.parse
import urllib.request
from typing import Any

import pytest

from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_header import parse_restore_header
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
from tests.e2e.deep_archive.helpers import curl_post, finished, manifest_catalog
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
PREFIX = "e2e-restore"
UNIQUE_KEY = f"{PREFIX}/summary/e2e-restore-summary.csv"
BLOB_KEY = f"{PREFIX}/blobs/noise.bin"
FINAL = {"COMPLETED", "PARTIAL", "FAILED"}
SWEEP = "deep_archive.RestoreSweepFunction.Hourly"


@pytest.fixture(scope="module")
def archived(aws: Any, api: ApiClient, outputs: dict[str, str]) -> list[CatalogEntry]:
    """42 files (CSV and one incompressible blob) archived into 3 Deep Archive archives."""
    s3 = aws("s3")
    put_demo_files(s3, DEMO_BUCKET, demo_files(PREFIX, 40))
    s3.put_object(
        Bucket=DEMO_BUCKET,
        Key=UNIQUE_KEY,
        Body=b"branch,total\nnorth,10\nsouth,12\n",
        ContentType="text/csv",
        Metadata={"quality-check": "passed"},
    )
    s3.put_object(Bucket=DEMO_BUCKET, Key=BLOB_KEY, Body=os.urandom(20_000))
    accepted = api.post(
        "archive",
        body={
            "project_name": DEMO_PROJECT,
            "bucket_name": DEMO_BUCKET,
            "prefix": PREFIX,
            "file_count": 15,
        },
    ).body
    report = finished(api, accepted["job_id"])
    assert report["status"] == "SUCCEEDED", report
    assert len(report["archives"]) == 3
    catalog = manifest_catalog(aws, outputs)
    keys = [
        entry["Key"]
        for entry in s3.list_objects_v2(Bucket=DEMO_BUCKET, Prefix=f"{PREFIX}/")["Contents"]
    ]
    entries = [catalog.get_latest(DEMO_PROJECT, DEMO_BUCKET, key) for key in keys]
    assert all(entries)
    return [entry for entry in entries if entry is not None]


def _topic(endpoints: Endpoints) -> str:
    return demo_topic_arn(endpoints.region)


def _seed_body(endpoints: Endpoints, **changes: Any) -> dict[str, Any]:
    """The seed's sample restore body, for the demo project and the topic it registered."""
    return {
        "project_name": DEMO_PROJECT,
        "filename": "e2e-restore-summary.csv",
        "account": "123456789012",
        "region": endpoints.region,
        "retrieval_tier": "Standard",
        "sns_topic_arn": _topic(endpoints),
        **changes,
    }


def _statuses_until_final(api: ApiClient, restore_id: str) -> tuple[list[str], dict[str, Any]]:
    seen: list[str] = []

    def final() -> dict[str, Any] | None:
        body = api.get("restores", restore_id).body
        if not seen or seen[-1] != body["status"]:
            seen.append(body["status"])
        return dict(body) if body["status"] in FINAL else None

    return seen, eventually(final, timeout=60, interval=0.1)


def _notifications(endpoints: Endpoints, restore_id: str) -> list[dict[str, Any]]:
    query = urllib.parse.urlencode({"topic": _topic(endpoints)})
    deliveries = call(endpoints, "GET", f"/notifications?{query}")
    return [item for item in deliveries if json.loads(item["message"])["restore_id"] == restore_id]


def _restored(aws: Any, outputs: dict[str, str], restore_id: str, key: str) -> dict[str, Any]:
    response = aws("s3").get_object(
        Bucket=outputs["RestoreBucketName"], Key=f"restores/{restore_id}/{key}"
    )
    return {**response, "Body": response["Body"].read()}


def _source(aws: Any, key: str) -> bytes:
    body: bytes = aws("s3").get_object(Bucket=DEMO_BUCKET, Key=key)["Body"].read()
    return body


def test_bare_names_are_looked_up_in_the_manifests_409_for_several_404_for_none(
    api: ApiClient,
    endpoints: Endpoints,
    archived: list[CatalogEntry],
    aws: Any,
    outputs: dict[str, str],
) -> None:
    # Given the same report name in every branch folder, which only the manifests name (the
    # packer writes no per-file item, so the byFileName index holds none of them)
    name = f"5000_{PREFIX}_000.csv"
    named = sorted((entry for entry in archived if entry.file_name == name), key=_by_key)
    assert len(named) > 1
    # When it is asked for by bare name, Then 409 lists every file so named
    ambiguous = api.post("restore", body=_seed_body(endpoints, filename=name))
    assert ambiguous.status == 409, ambiguous.body
    assert ambiguous.body["matches"] == {name: [entry.key for entry in named]}
    # And a name nothing holds is 404
    unknown = api.post("restore", body=_seed_body(endpoints, filename="e2e-never-archived.csv"))
    assert unknown.status == 404, unknown.body
    assert unknown.body["unknown"] == ["e2e-never-archived.csv"]


def _by_key(entry: CatalogEntry) -> str:
    return entry.key


def test_the_seed_restore_posted_with_curl_restores_the_file_byte_identical_and_notifies(
    aws: Any,
    endpoints: Endpoints,
    outputs: dict[str, str],
    api: ApiClient,
    archived: list[CatalogEntry],
) -> None:
    status, accepted = curl_post(
        f"{outputs['ApiUrl']}/restore", endpoints.token, _seed_body(endpoints)
    )
    assert status == 202, accepted

    seen, report = _statuses_until_final(api, accepted["restore_id"])

    assert "RESTORING" in seen
    assert seen[-1] == "COMPLETED", report
    restored = _restored(aws, outputs, accepted["restore_id"], UNIQUE_KEY)
    assert (
        hashlib.sha256(restored["Body"]).hexdigest()
        == hashlib.sha256(_source(aws, UNIQUE_KEY)).hexdigest()
    )
    assert restored["ContentType"] == "text/csv"
    assert restored["Metadata"] == {"quality-check": "passed"}
    [delivery] = eventually(lambda: _notifications(endpoints, accepted["restore_id"]))
    message = json.loads(delivery["message"])
    assert message["status"] == "COMPLETED"
    assert message["files"][0]["location"] == (
        f"s3://{outputs['RestoreBucketName']}/restores/{accepted['restore_id']}/{UNIQUE_KEY}"
    )


def test_expedited_for_a_deep_archive_file_is_400(
    endpoints: Endpoints, outputs: dict[str, str], archived: list[CatalogEntry]
) -> None:
    status, body = curl_post(
        f"{outputs['ApiUrl']}/restore",
        endpoints.token,
        _seed_body(endpoints, retrieval_tier="Expedited"),
    )

    assert status == 400
    assert body["storage_class"] == "DEEP_ARCHIVE"
    assert body["allowed"] == ["Standard", "Bulk"]


def test_files_from_several_archives_come_back_identical_stored_and_deflated(
    aws: Any,
    endpoints: Endpoints,
    outputs: dict[str, str],
    api: ApiClient,
    archived: list[CatalogEntry],
) -> None:
    by_archive: dict[str, CatalogEntry] = {}
    for entry in archived:
        by_archive.setdefault(entry.archive_key, entry)
    blob = next(entry for entry in archived if entry.key == BLOB_KEY)
    chosen = {*(entry.key for entry in by_archive.values()), BLOB_KEY}
    assert blob.method == "stored"
    assert {entry.method for entry in archived if entry.key in chosen} == {"stored", "deflated"}

    accepted = api.post(
        "restore", body=_seed_body(endpoints, filename=None, files=sorted(chosen))
    ).body
    _, report = _statuses_until_final(api, accepted["restore_id"])

    assert report["status"] == "COMPLETED", report
    for key in chosen:
        restored = _restored(aws, outputs, accepted["restore_id"], key)
        assert (
            hashlib.sha256(restored["Body"]).digest() == hashlib.sha256(_source(aws, key)).digest()
        )


def test_rerunning_the_orchestration_neither_restores_nor_notifies_twice(
    aws: Any,
    endpoints: Endpoints,
    outputs: dict[str, str],
    api: ApiClient,
    local_stack: LocalStack,
    archived: list[CatalogEntry],
) -> None:
    key = next(entry.key for entry in archived if entry.key.endswith("_003.csv"))
    accepted = api.post("restore", body=_seed_body(endpoints, filename=key)).body
    restore_id = accepted["restore_id"]
    _, report = _statuses_until_final(api, restore_id)
    assert report["status"] == "COMPLETED"
    eventually(lambda: _notifications(endpoints, restore_id))
    s3 = aws("s3")
    entry = next(entry for entry in archived if entry.key == key)
    archive_before = s3.head_object(Bucket=entry.archive_bucket, Key=entry.archive_key)
    restored_before = s3.head_object(
        Bucket=outputs["RestoreBucketName"], Key=f"restores/{restore_id}/{key}"
    )
    assert parse_restore_header(archive_before.get("Restore")).readable

    sqs = aws("sqs")
    queue = outputs["RestoreQueueUrl"]
    for _ in range(2):
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"restore_id": restore_id}))
    local_stack.scheduler.run_now(SWEEP)  # type: ignore[union-attr]
    eventually(lambda: _queue_empty(sqs, queue), timeout=30)

    assert len(_notifications(endpoints, restore_id)) == 1
    archive_after = s3.head_object(Bucket=entry.archive_bucket, Key=entry.archive_key)
    assert archive_after.get("Restore") == archive_before.get("Restore")
    restored_after = s3.head_object(
        Bucket=outputs["RestoreBucketName"], Key=f"restores/{restore_id}/{key}"
    )
    assert restored_after["ETag"] == restored_before["ETag"]
    assert restored_after["LastModified"] == restored_before["LastModified"]


def test_a_corrupted_byte_range_fails_only_that_file(
    aws: Any,
    endpoints: Endpoints,
    outputs: dict[str, str],
    api: ApiClient,
    archived: list[CatalogEntry],
) -> None:
    last_archive = sorted({entry.archive_key for entry in archived})[-1]
    damaged, intact = sorted(
        (entry for entry in archived if entry.archive_key == last_archive),
        key=lambda entry: entry.data_offset,
    )[:2]
    s3 = aws("s3")
    bucket = damaged.archive_bucket
    s3.restore_object(
        Bucket=bucket,
        Key=last_archive,
        RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}},
    )
    eventually(
        lambda: (
            parse_restore_header(
                s3.head_object(Bucket=bucket, Key=last_archive).get("Restore")
            ).readable
        )
    )
    data = bytearray(s3.get_object(Bucket=bucket, Key=last_archive)["Body"].read())
    data[damaged.data_offset + damaged.compressed_size // 2] ^= 0xFF
    # Bit rot stand-in: a new version of the archive with one byte flipped, still Deep Archive.
    s3.put_object(Bucket=bucket, Key=last_archive, Body=bytes(data), StorageClass="DEEP_ARCHIVE")

    accepted = api.post(
        "restore", body=_seed_body(endpoints, filename=None, files=[damaged.key, intact.key])
    ).body
    _, report = _statuses_until_final(api, accepted["restore_id"])

    assert report["status"] == "PARTIAL", report
    states = {file["source"]: file for file in report["files"]}
    failed = states[f"s3://{DEMO_BUCKET}/{damaged.key}"]
    assert failed["state"] == "FAILED"
    assert failed["location"] is None
    assert "check" in failed["error"]
    assert states[f"s3://{DEMO_BUCKET}/{intact.key}"]["state"] == "RESTORED"
    listed = s3.list_objects_v2(
        Bucket=outputs["RestoreBucketName"], Prefix=f"restores/{accepted['restore_id']}/"
    )
    assert [item["Key"] for item in listed["Contents"]] == [
        f"restores/{accepted['restore_id']}/{intact.key}"
    ]
    [delivery] = eventually(lambda: _notifications(endpoints, accepted["restore_id"]))
    assert json.loads(delivery["message"])["status"] == "PARTIAL"


def _queue_empty(sqs: Any, queue_url: str) -> bool:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return all(int(value) == 0 for value in attributes.values())
