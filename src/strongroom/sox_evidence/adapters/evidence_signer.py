"""Signing the package's statement with an asymmetric KMS key (SIGN_VERIFY).

The statement (``SHA256SUMS``, a few hundred bytes) is sent as a RAW message: KMS hashes it with
SHA-256 and signs with RSASSA-PKCS1-v1_5, which ``openssl dgst -sha256 -verify`` checks as it
is, and which moto signs the same way (its DIGEST mode hashes again, unlike AWS). The public key
is read once per process (GetPublicKey, DER) and kept as PEM.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Protocol

from strongroom.sox_evidence.domain.evidence import SIGNING_ALGORITHM
from strongroom.sox_evidence.domain.evidence_files import public_key_pem


class EvidenceSigner(Protocol):
    @property
    def key_id(self) -> str:
        """The key's ARN (or ``local:<fingerprint>``), as the manifest names it."""
        ...

    def sign(self, message: bytes) -> bytes: ...

    def public_key_pem(self) -> bytes: ...


class KmsEvidenceSigner:
    def __init__(self, kms: Any, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id

    @cached_property
    def _public_key(self) -> tuple[str, bytes]:
        answer = self._kms.get_public_key(KeyId=self._key_id)
        if SIGNING_ALGORITHM not in answer.get("SigningAlgorithms", []):
            raise ValueError(f"KMS key {answer['KeyId']} cannot sign with {SIGNING_ALGORITHM}")
        return str(answer["KeyId"]), public_key_pem(answer["PublicKey"])

    @property
    def key_id(self) -> str:
        """The ARN it was configured with (the template passes one); else GetPublicKey's
        ``KeyId``, which is the ARN on AWS (moto answers the bare id)."""
        return self._key_id if self._key_id.startswith("arn:") else self._public_key[0]

    def sign(self, message: bytes) -> bytes:
        answer = self._kms.sign(
            KeyId=self._key_id,
            Message=message,
            MessageType="RAW",
            SigningAlgorithm=SIGNING_ALGORITHM,
        )
        signature: bytes = answer["Signature"]
        return signature

    def public_key_pem(self) -> bytes:
        return self._public_key[1]
