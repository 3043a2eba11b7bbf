"""The archive store on moto's versioned S3: exact bytes, metadata, checksum, no overwrite."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from strongroom.trigger_archive.adapters.s3_archive_store import S3ArchiveStore
from strongroom.trigger_archive.domain import Outcome

pytestmark = pytest.mark.integration

DAY = date(2024, 11, 27)
AT = datetime(2024, 11, 27, 20, 31, 5, 250000, tzinfo=UTC)
KEY = "trigger/42/42_trigger_20241127.json"
BODY = b'{"clientId": 42,  "triggers": []}'


def _versions(s3: Any, bucket: str) -> list[dict[str, Any]]:
    return s3.list_object_versions(Bucket=bucket, Prefix=KEY).get("Versions", [])


def test_a_new_response_is_stored_as_received_with_its_metadata(s3: Any, bucket: str) -> None:
    outcome = S3ArchiveStore(bucket, s3).store(42, DAY, BODY, AT)

    stored = s3.get_object(Bucket=bucket, Key=KEY)
    head = s3.head_object(Bucket=bucket, Key=KEY, ChecksumMode="ENABLED")
    assert outcome is Outcome.ARCHIVED
    assert stored["Body"].read() == BODY
    assert stored["ContentType"] == "application/json"
    assert stored["Metadata"] == {
        "client-id": "42",
        "trigger-date": "2024-11-27",
        "archived-at": "2024-11-27T20:31:05.250Z",
        "sha256": hashlib.sha256(BODY).hexdigest(),
    }
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(BODY).digest()).decode()


def test_the_same_content_again_is_unchanged_and_not_written(s3: Any, bucket: str) -> None:
    store = S3ArchiveStore(bucket, s3)
    store.store(42, DAY, BODY, AT)

    assert store.store(42, DAY, BODY, AT) is Outcome.UNCHANGED
    assert len(_versions(s3, bucket)) == 1


def test_different_content_becomes_a_new_version(s3: Any, bucket: str) -> None:
    store = S3ArchiveStore(bucket, s3)
    store.store(42, DAY, BODY, AT)

    outcome = store.store(42, DAY, b'{"clientId": 42, "triggers": [1]}', AT)

    versions = _versions(s3, bucket)
    assert outcome is Outcome.CHANGED
    assert len(versions) == 2
    old = next(version for version in versions if not version["IsLatest"])
    kept = s3.get_object(Bucket=bucket, Key=KEY, VersionId=old["VersionId"])["Body"].read()
    assert kept == BODY


def test_an_object_without_a_digest_counts_as_different(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key=KEY, Body=BODY)  # as the seed's function wrote it

    assert S3ArchiveStore(bucket, s3).store(42, DAY, BODY, AT) is Outcome.CHANGED


def test_a_run_report_is_json_under_runs(s3: Any, bucket: str) -> None:
    S3ArchiveStore(bucket, s3).write_run_report("runs/2024-11-27/r1.json", b'{"ok": true}')

    stored = s3.get_object(Bucket=bucket, Key="runs/2024-11-27/r1.json")
    assert stored["ContentType"] == "application/json"
    assert json.loads(stored["Body"].read()) == {"ok": True}


def test_other_s3_errors_propagate(s3: Any) -> None:
    with pytest.raises(ClientError):
        S3ArchiveStore("no-such-bucket", s3).store(42, DAY, BODY, AT)
