"""The local stack's S3 keeps Object Lock retention as AWS does: a COMPLIANCE retention cannot be
shortened, removed or downgraded while it locks its version, a GOVERNANCE one only with the
bypass header, and GetObjectRetention answers (moto alone answers it with a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from strongroom.local.emulator import Emulator
from strongroom.local.front_door.retention_rule import LOCKED_MESSAGE

pytestmark = pytest.mark.integration
REGION = "eu-west-1"
BUCKET = "locked-evidence"


@pytest.fixture(scope="module")
def s3() -> Iterator[Any]:
    emulator = Emulator(REGION)
    emulator.start()
    client = emulator.client("s3")
    client.create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=True,
    )
    yield client
    emulator.stop()


def _until(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


def _locked(s3: Any, key: str, mode: str = "COMPLIANCE", days: float = 1) -> str:
    """A new version of ``key`` locked in ``mode`` for ``days``; its version id."""
    answer = s3.put_object(
        Bucket=BUCKET,
        Key=key,
        Body=key.encode(),
        ChecksumAlgorithm="SHA256",
        ObjectLockMode=mode,
        ObjectLockRetainUntilDate=_until(days),
    )
    return str(answer["VersionId"])


def _retention(s3: Any, key: str, version: str) -> dict[str, Any]:
    return dict(s3.get_object_retention(Bucket=BUCKET, Key=key, VersionId=version)["Retention"])


def _refused(s3: Any, key: str, version: str, retention: dict[str, Any], **extra: Any) -> Any:
    with pytest.raises(ClientError) as refused:
        s3.put_object_retention(
            Bucket=BUCKET, Key=key, VersionId=version, Retention=retention, **extra
        )
    return refused.value.response


@pytest.mark.parametrize(
    ("change", "retention"),
    [
        ("shortened", {"Mode": "COMPLIANCE", "RetainUntilDate": _until(0.5)}),
        ("made GOVERNANCE", {"Mode": "GOVERNANCE", "RetainUntilDate": _until(2)}),
        ("removed", {}),
    ],
)
def test_a_compliance_retention_cannot_be_weakened_even_with_the_bypass_header(
    s3: Any, change: str, retention: dict[str, Any]
) -> None:
    version = _locked(s3, f"compliance-{change}")
    before = _retention(s3, f"compliance-{change}", version)

    answer = _refused(
        s3, f"compliance-{change}", version, retention, BypassGovernanceRetention=True
    )

    assert answer["Error"] == {"Code": "AccessDenied", "Message": LOCKED_MESSAGE}
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert _retention(s3, f"compliance-{change}", version) == before


def test_a_compliance_retention_can_be_extended_and_reads_back(s3: Any) -> None:
    version = _locked(s3, "compliance-extended")
    later = _until(3)

    s3.put_object_retention(
        Bucket=BUCKET,
        Key="compliance-extended",
        VersionId=version,
        Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later},
    )

    assert _retention(s3, "compliance-extended", version) == {
        "Mode": "COMPLIANCE",
        "RetainUntilDate": later,
    }


def test_a_governance_retention_is_shortened_only_with_the_bypass_header(s3: Any) -> None:
    version = _locked(s3, "governance", mode="GOVERNANCE", days=2)
    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": _until(1)}

    answer = _refused(s3, "governance", version, shorter)
    s3.put_object_retention(
        Bucket=BUCKET,
        Key="governance",
        VersionId=version,
        Retention=shorter,
        BypassGovernanceRetention=True,
    )

    assert answer["Error"]["Code"] == "AccessDenied"
    assert _retention(s3, "governance", version) == shorter


def test_a_governance_retention_may_become_compliance_without_bypass(s3: Any) -> None:
    version = _locked(s3, "governance-upgraded", mode="GOVERNANCE")
    stronger = {"Mode": "COMPLIANCE", "RetainUntilDate": _until(2)}

    s3.put_object_retention(
        Bucket=BUCKET, Key="governance-upgraded", VersionId=version, Retention=stronger
    )

    assert _retention(s3, "governance-upgraded", version) == stronger


def test_a_retain_until_date_in_the_past_is_refused(s3: Any) -> None:
    put = s3.put_object(Bucket=BUCKET, Key="unlocked", Body=b"x", ChecksumAlgorithm="SHA256")

    answer = _refused(
        s3, "unlocked", put["VersionId"], {"Mode": "COMPLIANCE", "RetainUntilDate": _until(-1)}
    )

    assert answer["Error"]["Code"] == "InvalidArgument"
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_get_object_retention_names_a_version_without_one_or_a_missing_key(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="plain", Body=b"x", ChecksumAlgorithm="SHA256")

    with pytest.raises(ClientError) as without:
        s3.get_object_retention(Bucket=BUCKET, Key="plain")
    with pytest.raises(ClientError) as missing:
        s3.get_object_retention(Bucket=BUCKET, Key="no-such-key")

    assert without.value.response["Error"]["Code"] == "NoSuchObjectLockConfiguration"
    assert missing.value.response["Error"]["Code"] == "NoSuchKey"


def test_locked_versions_are_not_deleted_one_by_one_or_in_a_batch(s3: Any) -> None:
    first, second = _locked(s3, "batch"), _locked(s3, "batch")
    s3.put_object(Bucket=BUCKET, Key="free", Body=b"x", ChecksumAlgorithm="SHA256")
    free = s3.head_object(Bucket=BUCKET, Key="free")["VersionId"]

    with pytest.raises(ClientError) as single:
        s3.delete_object(Bucket=BUCKET, Key="batch", VersionId=first)
    batch = s3.delete_objects(
        Bucket=BUCKET,
        Delete={
            "Objects": [
                {"Key": "batch", "VersionId": first},
                {"Key": "batch", "VersionId": second},
                {"Key": "free", "VersionId": free},
            ]
        },
    )

    assert single.value.response["Error"]["Code"] == "AccessDenied"
    assert [(error["Key"], error["Code"]) for error in batch["Errors"]] == [
        ("batch", "AccessDenied"),
        ("batch", "AccessDenied"),
    ]
    assert [(gone["Key"], gone["VersionId"]) for gone in batch["Deleted"]] == [("free", free)]
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix="batch")["Versions"]
    assert {version["VersionId"] for version in versions} == {first, second}
