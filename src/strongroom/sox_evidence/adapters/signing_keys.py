"""The KMS signing key, asked about without signing: its public half, and whether a signature
is its own (``Verify``, RAW, as the package's statement was signed)."""

from __future__ import annotations

from typing import Any, Protocol

from strongroom.sox_evidence.domain.evidence import SIGNING_ALGORITHM


class KeyUnavailable(LookupError):
    """The key cannot be read: unknown, not a KMS key, or this role may not use it."""


class SigningKeys(Protocol):
    def public_key_der(self, key_id: str) -> bytes:
        """The key's public half (DER SubjectPublicKeyInfo, as GetPublicKey answers);
        ``KeyUnavailable`` when it cannot be read."""
        ...

    def verify(self, key_id: str, message: bytes, signature: bytes) -> bool: ...


class KmsSigningKeys:
    def __init__(self, kms: Any) -> None:
        self._kms = kms

    def public_key_der(self, key_id: str) -> bytes:
        try:
            der: bytes = self._kms.get_public_key(KeyId=key_id)["PublicKey"]
        except self._kms.exceptions.ClientError as error:
            raise KeyUnavailable(f"{key_id}: {error}") from None
        return der

    def verify(self, key_id: str, message: bytes, signature: bytes) -> bool:
        try:
            answer = self._kms.verify(
                KeyId=key_id,
                Message=message,
                MessageType="RAW",
                Signature=signature,
                SigningAlgorithm=SIGNING_ALGORITHM,
            )
        except self._kms.exceptions.KMSInvalidSignatureException:
            return False
        return bool(answer.get("SignatureValid"))
