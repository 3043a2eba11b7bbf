"""The signer's in-memory twin: a local RSA key, signing as KMS does (RAW, PKCS#1 v1.5, SHA-256).

cryptography comes with the ``local`` extra (the tests and the local stack), never with a
function's bundle: only tests bind this twin.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


class InMemoryEvidenceSigner:
    def __init__(self, key_size: int = 2048) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
        self.signed: list[bytes] = []

    def public_key_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def key_id(self) -> str:
        der = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return f"local:{hashlib.sha256(der).hexdigest()[:16]}"

    def sign(self, message: bytes) -> bytes:
        self.signed.append(message)
        return self.private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
