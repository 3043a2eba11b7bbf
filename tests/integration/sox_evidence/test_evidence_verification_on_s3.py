"""Verifying a package on moto: the evidence bucket with Object Lock (COMPLIANCE retention read
back per version), version-pinned reads in both buckets, and moto's KMS (GetPublicKey, and
Verify RAW as the freshness function asks)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.sox_evidence.adapters.evidence_reader import S3EvidenceReader
from strongroom.sox_evidence.adapters.signing_keys import KmsSigningKeys
from strongroom.sox_evidence.domain.evidence import DATA_SNAPSHOT, MANIFEST
from strongroom.sox_evidence.public import download_package, verify_directory, verify_package
from strongroom.sox_evidence.services.evidence_trust import stack_key_trust
from strongroom.sox_evidence.services.evidence_verification import verify_online
from tests.support.evidence_packages import (
    CUTOFF,
    EVIDENCE_BUCKET,
    IPE_ID,
    RESULTS_BUCKET,
    BuiltPackage,
    KmsSigner,
    S3Target,
    build_package,
)

REGION = "eu-west-1"


@dataclass
class Stack:
    s3: Any
    kms: Any
    key_id: str


@pytest.fixture
def stack() -> Iterator[Stack]:
    """The two buckets as the template makes them, and an RSA signing key in KMS (per test: a
    moto mock open across tests would leak into other modules' tests on the same worker)."""
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        where = {"LocationConstraint": REGION}
        s3.create_bucket(
            Bucket=EVIDENCE_BUCKET,
            CreateBucketConfiguration=where,  # type: ignore[typeddict-item]
            ObjectLockEnabledForBucket=True,
        )
        s3.create_bucket(Bucket=RESULTS_BUCKET, CreateBucketConfiguration=where)  # type: ignore[typeddict-item]
        s3.put_bucket_versioning(
            Bucket=RESULTS_BUCKET, VersioningConfiguration={"Status": "Enabled"}
        )
        kms = boto3.client("kms", region_name=REGION)
        key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        yield Stack(s3, kms, key["Arn"])


@dataclass
class ShortLock(S3Target):
    """Locks one key for a day less than the others, as a faulty packager might."""

    short_key: str = ""

    def put(self, bucket: str, key: str, body: bytes, retain_until: datetime | None = None) -> str:
        if key == self.short_key and retain_until is not None:
            retain_until -= timedelta(days=1)
        return super().put(bucket, key, body, retain_until)


@dataclass
class NoLock(S3Target):
    """Writes one key with no retention at all."""

    unlocked_key: str = ""

    def put(self, bucket: str, key: str, body: bytes, retain_until: datetime | None = None) -> str:
        return super().put(bucket, key, body, None if key == self.unlocked_key else retain_until)


RUNS = itertools.count(1)


@pytest.fixture
def run_id() -> str:
    return f"20261201T080000Z-{next(RUNS):08x}"


def package(stack: Stack, run_id: str, target: S3Target | None = None) -> BuiltPackage:
    signer = KmsSigner(stack.kms, stack.key_id)
    return build_package(target or S3Target(stack.s3), signer, stack.key_id, run_id=run_id)


def verify(stack: Stack, run_id: str) -> Any:
    return verify_package(stack.s3, stack.kms, EVIDENCE_BUCKET, IPE_ID, CUTOFF, run_id)


def test_a_package_on_s3_verifies_with_its_retention_and_the_kms_key(
    stack: Stack, run_id: str
) -> None:
    built = package(stack, run_id)

    report = verify(stack, run_id)

    assert report.passed, [c for c in report.checks if not c.passed]
    retention = [c for c in report.checks if c.name == "object.retention"]
    assert len(retention) == len(built.manifest.files) + 4
    assert all(c.actual.startswith("COMPLIANCE until") for c in retention)


def test_kms_verify_with_the_stacks_key_passes_and_another_key_fails(
    stack: Stack, run_id: str
) -> None:
    package(stack, run_id)
    other = stack.kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    reader, keys = S3EvidenceReader(stack.s3), KmsSigningKeys(stack.kms)

    good = verify_online(
        reader, stack_key_trust(keys, stack.key_id), EVIDENCE_BUCKET, IPE_ID, CUTOFF, run_id
    )
    bad = verify_online(
        reader, stack_key_trust(keys, other["Arn"]), EVIDENCE_BUCKET, IPE_ID, CUTOFF, run_id
    )

    assert good.passed, [c for c in good.checks if not c.passed]
    assert {c.name for c in bad.failures} == {
        "manifest.signing_key",
        "signature",
        "public_key.trusted",
    }


def test_a_new_version_over_a_parquet_key_fails_naming_both_versions(
    stack: Stack, run_id: str
) -> None:
    built = package(stack, run_id)
    item = built.manifest.parquet[1]
    doctored = stack.s3.put_object(Bucket=RESULTS_BUCKET, Key=item.key, Body=b"PAR1 doctored")

    report = verify(stack, run_id)

    [failure] = report.failures
    assert failure.name == "parquet.latest_version"
    assert failure.where == f"s3://{RESULTS_BUCKET}/{item.key}"
    assert (failure.expected, failure.actual) == (item.version_id, doctored["VersionId"])


def test_a_delete_marker_over_a_parquet_key_fails_naming_it(stack: Stack, run_id: str) -> None:
    """The latest-version HEAD answers 404 with x-amz-delete-marker: still caught, by its id."""
    built = package(stack, run_id)
    item = built.manifest.parquet[0]
    marker = stack.s3.delete_object(Bucket=RESULTS_BUCKET, Key=item.key)

    report = verify(stack, run_id)

    [failure] = report.failures
    assert failure.name == "parquet.latest_version"
    assert failure.where == f"s3://{RESULTS_BUCKET}/{item.key}"
    assert failure.actual == f"{marker['VersionId']} (delete marker)"


def test_a_second_version_of_the_manifest_fails_naming_it(stack: Stack, run_id: str) -> None:
    built = package(stack, run_id)
    stack.s3.put_object(
        Bucket=EVIDENCE_BUCKET, Key=built.key_of(MANIFEST), Body=built.files[MANIFEST] + b" "
    )

    report = verify(stack, run_id)

    [failure] = report.failures
    assert (failure.name, failure.where) == (
        "object.single_version",
        f"s3://{EVIDENCE_BUCKET}/{built.key_of(MANIFEST)}",
    )


def test_an_object_locked_for_less_than_the_manifest_says_fails(stack: Stack, run_id: str) -> None:
    prefix_key = f"evidence/{IPE_ID}/{CUTOFF.isoformat()}/{run_id}/{DATA_SNAPSHOT}"
    package(stack, run_id, ShortLock(stack.s3, short_key=prefix_key))

    report = verify(stack, run_id)

    [failure] = report.failures
    assert failure.name == "object.retention"
    assert prefix_key in failure.where


def test_an_object_with_no_retention_fails_naming_it(stack: Stack, run_id: str) -> None:
    """The retention comes with the GET that reads the object: none there is a failure."""
    unlocked_key = f"evidence/{IPE_ID}/{CUTOFF.isoformat()}/{run_id}/{MANIFEST}"
    package(stack, run_id, NoLock(stack.s3, unlocked_key=unlocked_key))

    report = verify(stack, run_id)

    [failure] = report.failures
    assert failure.name == "object.retention"
    assert unlocked_key in failure.where
    assert failure.actual == "no retention"


def test_verify_reads_retention_from_its_gets_not_one_head_per_object(
    stack: Stack, run_id: str
) -> None:
    """Requests per package: HEAD only for each Parquet key's latest version."""
    built = package(stack, run_id)
    calls: list[str] = []
    stack.s3.meta.events.register("before-call.s3.*", lambda model, **_: calls.append(model.name))

    assert verify(stack, run_id).passed

    package_objects = len(built.manifest.files) + 4
    assert calls.count("HeadObject") == len(built.manifest.parquet)
    assert calls.count("GetObject") == package_objects + len(built.manifest.parquet)


def test_a_downloaded_package_verifies_offline(stack: Stack, run_id: str, tmp_path: Path) -> None:
    built = package(stack, run_id)
    directory = tmp_path / "package"

    written = download_package(stack.s3, EVIDENCE_BUCKET, IPE_ID, CUTOFF, run_id, directory)
    report = verify_directory(directory, IPE_ID, CUTOFF, run_id, built.files["public_key.pem"])

    assert len(written) == len(built.manifest.files) + 4 + len(built.parquet)
    assert report.passed, [c for c in report.checks if not c.passed]


def test_a_delete_marker_over_a_locked_object_fails_naming_it(stack: Stack, run_id: str) -> None:
    """S3 lets a delete without a version id through on a locked object (a delete marker on
    top; the locked version stays): the package still reads, but verify names the marker."""
    built = package(stack, run_id)
    marker = stack.s3.delete_object(Bucket=EVIDENCE_BUCKET, Key=built.key_of(DATA_SNAPSHOT))

    report = verify(stack, run_id)

    [failure] = report.failures
    assert failure.name == "object.single_version"
    assert failure.where == f"s3://{EVIDENCE_BUCKET}/{built.key_of(DATA_SNAPSHOT)}"
    assert f"{marker['VersionId']} (delete marker)" in failure.actual
