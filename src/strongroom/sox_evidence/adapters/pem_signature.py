"""Checking the statement's signature with the package's own ``public_key.pem``, no AWS access:
what ``openssl dgst -sha256 -verify public_key.pem -signature SHA256SUMS.sig SHA256SUMS`` does.

Uses ``cryptography``, which the CLI has and the function bundles do not (the freshness function
asks KMS's ``Verify`` instead: decision 0008), so only ``public.py`` imports this module.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key


def signature_valid(message: bytes, signature: bytes, public_key_pem: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 with SHA-256 over ``message``; False for any other key type or a
    PEM that does not load."""
    try:
        key = load_pem_public_key(public_key_pem)
    except (ValueError, TypeError):
        return False
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
