"""An evidence package on the local stack, as an operator and an auditor meet it: `aws lambda
invoke` SOXAuto-PG01, then every object of the run's package is locked in COMPLIANCE mode, a
delete of a locked version is refused, and the signed statement verifies with the package's own
public key and names every file's SHA-256."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from strongroom.local.endpoints import Endpoints
from strongroom.sox_evidence.domain import evidence
from strongroom.sox_evidence.domain.cutoff import last_day_of_previous_month

pytestmark = pytest.mark.e2e
LAST_MONTH_END = last_day_of_previous_month(datetime.now(UTC).date())
PACKAGE_OBJECTS = {
    *evidence.EVIDENCE_FILES,
    evidence.PACKAGE_ZIP,
    evidence.MANIFEST,
    evidence.STATEMENT,
    evidence.SIGNATURE,
    evidence.PUBLIC_KEY,
}


@dataclass(frozen=True)
class Package:
    s3: Any
    bucket: str
    prefix: str
    manifest_version_id: str
    versions: dict[str, str]
    """Each object's name under the prefix -> its one version id."""

    def read(self, name: str) -> bytes:
        body: bytes = self.s3.get_object(
            Bucket=self.bucket, Key=self.prefix + name, VersionId=self.versions[name]
        )["Body"].read()
        return body


@pytest.fixture(scope="module")
def package(aws: Any, endpoints: Endpoints) -> Package:
    """One run of one IPE through the Lambda Invoke API; its answer says where the package is."""
    payload = {"cutoff_date": LAST_MONTH_END.isoformat(), "ipe_ids": ["CR_05"]}
    answer = aws("lambda").invoke(FunctionName="SOXAuto-PG01", Payload=json.dumps(payload))
    result = json.loads(answer["Payload"].read())
    assert result["statusCode"] == 200, result
    [outcome] = result["body"]["ipes"]
    bucket = endpoints.outputs["sox_evidence"]["EvidenceBucketName"]
    assert outcome["evidence_bucket"] == bucket
    prefix = outcome["evidence_prefix"]
    assert prefix == evidence.package_prefix("CR_05", LAST_MONTH_END, outcome["run_id"])
    s3 = aws("s3")
    listed = s3.list_object_versions(Bucket=bucket, Prefix=prefix)["Versions"]
    versions = {item["Key"].removeprefix(prefix): item["VersionId"] for item in listed}
    assert len(versions) == len(listed)  # one version each: nothing was written twice
    return Package(s3, bucket, prefix, outcome["manifest_version_id"], versions)


def test_every_object_of_the_package_is_locked_in_compliance_mode(package: Package) -> None:
    manifest = evidence.Manifest.model_validate_json(package.read(evidence.MANIFEST))

    assert set(package.versions) == PACKAGE_OBJECTS
    assert package.versions[evidence.MANIFEST] == package.manifest_version_id
    for name, version in package.versions.items():
        head = package.s3.head_object(
            Bucket=package.bucket, Key=package.prefix + name, VersionId=version
        )
        assert head["ObjectLockMode"] == "COMPLIANCE", name
        assert head["ObjectLockRetainUntilDate"] == manifest.retain_until, name
    # The local stack's EvidenceRetentionDays is 1 (sox_evidence/localdev.py), not 7 years.
    assert manifest.retain_until <= manifest.created_at + timedelta(days=1)


def test_a_delete_of_a_locked_version_is_refused(package: Package) -> None:
    name = evidence.PACKAGE_ZIP

    with pytest.raises(ClientError) as refused:
        package.s3.delete_object(
            Bucket=package.bucket, Key=package.prefix + name, VersionId=package.versions[name]
        )

    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert package.read(name)  # still there


def test_the_statement_verifies_with_the_packages_public_key_and_names_every_file(
    package: Package,
) -> None:
    statement = package.read(evidence.STATEMENT)
    public_key = serialization.load_pem_public_key(package.read(evidence.PUBLIC_KEY))
    assert isinstance(public_key, rsa.RSAPublicKey)

    public_key.verify(
        package.read(evidence.SIGNATURE), statement, padding.PKCS1v15(), hashes.SHA256()
    )
    digests = evidence.parse_statement(statement)
    assert set(digests) == PACKAGE_OBJECTS - {
        evidence.STATEMENT,
        evidence.SIGNATURE,
        evidence.PUBLIC_KEY,
    }
    for name, digest in digests.items():
        assert hashlib.sha256(package.read(name)).hexdigest() == digest, name
