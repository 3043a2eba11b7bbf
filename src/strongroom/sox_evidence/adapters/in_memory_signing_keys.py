"""The signing keys' in-memory twin: RSA keys held in memory, answering as KMS does."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from strongroom.sox_evidence.adapters.pem_signature import signature_valid
from strongroom.sox_evidence.adapters.signing_keys import KeyUnavailable


@dataclass
class InMemorySigningKeys:
    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)

    def _public_bytes(self, key_id: str, encoding: serialization.Encoding) -> bytes:
        if key_id not in self.keys:
            raise KeyUnavailable(f"{key_id}: no such key")
        return (
            self.keys[key_id]
            .public_key()
            .public_bytes(encoding, serialization.PublicFormat.SubjectPublicKeyInfo)
        )

    def public_key_der(self, key_id: str) -> bytes:
        return self._public_bytes(key_id, serialization.Encoding.DER)

    def verify(self, key_id: str, message: bytes, signature: bytes) -> bool:
        pem = self._public_bytes(key_id, serialization.Encoding.PEM)
        return signature_valid(message, signature, pem)
