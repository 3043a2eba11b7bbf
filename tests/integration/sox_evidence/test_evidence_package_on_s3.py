"""An IPE run's evidence package on moto's S3 (Object Lock) and KMS: COMPLIANCE retention on
every object, a delete of a locked version refused, the manifest's version ids S3's own, the
signature verified with the package's public key."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from moto import mock_aws
from sqlalchemy import make_url

from strongroom.core.observability import metrics
from strongroom.sox_evidence.adapters.evidence_bucket import S3EvidenceBucket
from strongroom.sox_evidence.adapters.evidence_signer import KmsEvidenceSigner
from strongroom.sox_evidence.adapters.nav_bi import SqlSourceDatabase, nav_bi_engine
from strongroom.sox_evidence.adapters.results_store import ObjectExists, S3ResultsStore
from strongroom.sox_evidence.domain import evidence
from strongroom.sox_evidence.domain.requests import parse_run_request
from strongroom.sox_evidence.services.evidence_packaging import EvidencePackager
from strongroom.sox_evidence.services.ipe_run import ExtractionLimits
from strongroom.sox_evidence.services.pg01_run import IpeOutcome, run_pg01
from tests.integration.sox_evidence.conftest import RESULTS_BUCKET

pytestmark = pytest.mark.integration

EVIDENCE_BUCKET = "jumia-sox-evidence"
CUTOFF = date(2025, 6, 30)


@contextmanager
def opened(path: Path) -> Iterator[SqlSourceDatabase]:
    engine = nav_bi_engine(make_url(f"sqlite:///{path}"))
    try:
        yield SqlSourceDatabase(engine)
    finally:
        engine.dispose()


@dataclass
class Packaged:
    s3: Any
    outcome: IpeOutcome
    manifest: evidence.Manifest
    manifest_body: bytes


@pytest.fixture(scope="module")
def packaged(nav_bi: Path) -> Iterator[Packaged]:
    """One run, packaged once for the module's tests (they only read)."""
    with mock_aws():
        yield _packaged(nav_bi)


def _packaged(nav_bi: Path) -> Packaged:
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(
        Bucket=RESULTS_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.put_bucket_versioning(Bucket=RESULTS_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(
        Bucket=EVIDENCE_BUCKET,
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        ObjectLockEnabledForBucket=True,
    )
    kms = boto3.client("kms", region_name="eu-west-1")
    key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]
    packager = EvidencePackager(
        bucket=S3EvidenceBucket(EVIDENCE_BUCKET, s3),
        signer=KmsEvidenceSigner(kms, key["Arn"]),
        retention=timedelta(days=1),
        clock=lambda: datetime.now(UTC),
    )
    result = run_pg01(
        parse_run_request({"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["IPE_08"]}, "t"),
        cutoff_setting=None,
        open_source=lambda: opened(nav_bi),
        store=S3ResultsStore(RESULTS_BUCKET, s3),
        clock=lambda: datetime.now(UTC),
        package_version="0.1.0",
        limits=ExtractionLimits(batch_rows=500, rows_per_part=1_000),
        packager=packager,
    )
    metrics.clear_metrics()
    [outcome] = result.ipes
    assert outcome.evidence_prefix is not None
    body = s3.get_object(
        Bucket=EVIDENCE_BUCKET,
        Key=outcome.evidence_prefix + evidence.MANIFEST,
        VersionId=outcome.manifest_version_id,
    )["Body"].read()
    return Packaged(s3, outcome, evidence.Manifest.model_validate_json(body), body)


def package_versions(s3: Any, prefix: str) -> dict[str, list[str]]:
    versions: dict[str, list[str]] = {}
    for item in s3.list_object_versions(Bucket=EVIDENCE_BUCKET, Prefix=prefix)["Versions"]:
        versions.setdefault(item["Key"].removeprefix(prefix), []).append(item["VersionId"])
    return versions


def test_every_object_is_locked_in_compliance_mode_until_the_manifests_date(
    packaged: Packaged,
) -> None:
    prefix = packaged.manifest.prefix
    versions = package_versions(packaged.s3, prefix)
    assert set(versions) == {
        *evidence.EVIDENCE_FILES,
        evidence.PACKAGE_ZIP,
        evidence.MANIFEST,
        evidence.STATEMENT,
        evidence.SIGNATURE,
        evidence.PUBLIC_KEY,
    }
    # HeadObject reports each version's lock (moto 5.2.5 has no GetObjectRetention).
    for name, [version] in versions.items():
        head = packaged.s3.head_object(Bucket=EVIDENCE_BUCKET, Key=prefix + name, VersionId=version)
        assert head["ObjectLockMode"] == "COMPLIANCE"
        assert head["ObjectLockRetainUntilDate"] == packaged.manifest.retain_until


def test_the_manifest_pins_every_object_at_the_version_s3_gave_it(packaged: Packaged) -> None:
    versions = package_versions(packaged.s3, packaged.manifest.prefix)
    for packaged_file in packaged.manifest.files:
        assert [packaged_file.version_id] == versions[packaged_file.name]
    assert [packaged.outcome.manifest_version_id] == versions[evidence.MANIFEST]
    for item in packaged.manifest.parquet:
        head = packaged.s3.head_object(Bucket=item.bucket, Key=item.key, VersionId=item.version_id)
        assert head["ContentLength"] == item.size
        assert head["Metadata"]["sha256"] == item.sha256


def test_a_delete_of_a_locked_version_is_refused(packaged: Packaged) -> None:
    prefix = packaged.manifest.prefix
    [version] = package_versions(packaged.s3, prefix)[evidence.MANIFEST]

    with pytest.raises(ClientError) as refused:
        packaged.s3.delete_object(
            Bucket=EVIDENCE_BUCKET, Key=prefix + evidence.MANIFEST, VersionId=version
        )

    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert package_versions(packaged.s3, prefix)[evidence.MANIFEST] == [version]


def test_the_signature_verifies_with_the_packages_public_key(packaged: Packaged) -> None:
    prefix = packaged.manifest.prefix

    def read(name: str) -> bytes:
        body: bytes = packaged.s3.get_object(Bucket=EVIDENCE_BUCKET, Key=prefix + name)[
            "Body"
        ].read()
        return body

    statement = read(evidence.STATEMENT)
    key = serialization.load_pem_public_key(read(evidence.PUBLIC_KEY))
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(read(evidence.SIGNATURE), statement, padding.PKCS1v15(), hashes.SHA256())
    assert statement == evidence.statement(
        hashlib.sha256(packaged.manifest_body).hexdigest(), packaged.manifest.files
    )


def test_a_key_that_exists_is_refused_not_replaced(packaged: Packaged) -> None:
    bucket = S3EvidenceBucket(EVIDENCE_BUCKET, packaged.s3)
    key = packaged.manifest.prefix + evidence.MANIFEST

    with pytest.raises(ObjectExists, match="never overwritten"):
        bucket.put(key, b"{}", "application/json", packaged.manifest.retain_until)

    assert len(package_versions(packaged.s3, packaged.manifest.prefix)[evidence.MANIFEST]) == 1
