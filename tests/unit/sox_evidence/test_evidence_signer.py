"""The statement's signature: the in-memory key and moto's KMS sign it as RAW with
RSASSA_PKCS1_V1_5_SHA_256, so the package's public key verifies it, and openssl does too."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from moto import mock_aws

from strongroom.sox_evidence.adapters.evidence_signer import EvidenceSigner, KmsEvidenceSigner
from strongroom.sox_evidence.adapters.in_memory_evidence_signer import InMemoryEvidenceSigner
from strongroom.sox_evidence.domain import evidence

STATEMENT = evidence.statement(
    "a" * 64,
    [evidence.PackagedFile(name=evidence.REPORT, size=3, sha256="b" * 64, version_id="v1")],
)


@pytest.fixture
def kms() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("kms", region_name="eu-west-1")


def verifies(signer: EvidenceSigner, signature: bytes, message: bytes) -> bool:
    key = serialization.load_pem_public_key(signer.public_key_pem())
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def test_the_in_memory_key_signs_as_kms_does() -> None:
    signer = InMemoryEvidenceSigner()

    signature = signer.sign(STATEMENT)

    assert verifies(signer, signature, STATEMENT)
    assert not verifies(signer, signature, STATEMENT + b"x")
    assert signer.key_id.startswith("local:")


def test_kms_signs_the_raw_statement_and_gives_its_public_key(kms: Any) -> None:
    key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]
    signer = KmsEvidenceSigner(kms, key["Arn"])

    signature = signer.sign(STATEMENT)

    assert verifies(signer, signature, STATEMENT)
    assert not verifies(InMemoryEvidenceSigner(), signature, STATEMENT)
    assert signer.key_id == key["Arn"]


def test_a_key_that_cannot_sign_with_pkcs1_is_refused(kms: Any) -> None:
    key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")["KeyMetadata"]

    with pytest.raises(ValueError, match=evidence.SIGNING_ALGORITHM):
        _ = KmsEvidenceSigner(kms, key["KeyId"]).key_id


def test_openssl_verifies_what_kms_signed(kms: Any, tmp_path: Path) -> None:
    key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]
    signer = KmsEvidenceSigner(kms, key["KeyId"])
    (tmp_path / evidence.STATEMENT).write_bytes(STATEMENT)
    (tmp_path / evidence.SIGNATURE).write_bytes(signer.sign(STATEMENT))
    (tmp_path / evidence.PUBLIC_KEY).write_bytes(signer.public_key_pem())

    checked = subprocess.run(
        [
            *("openssl", "dgst", "-sha256", "-verify", evidence.PUBLIC_KEY),
            *("-signature", evidence.SIGNATURE, evidence.STATEMENT),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (checked.returncode, checked.stdout.strip()) == (0, "Verified OK")
