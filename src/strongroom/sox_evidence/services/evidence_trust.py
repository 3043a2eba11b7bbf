"""Which key an evidence package must be signed by, and how its signature is checked: from the
CLI with ``public_key.pem`` pinned to the KMS key (online) or to ``--public-key`` (offline); in
the freshness function with KMS's ``Verify`` and the stack's own key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from strongroom.sox_evidence.adapters.signing_keys import KeyUnavailable, SigningKeys
from strongroom.sox_evidence.domain.evidence import PUBLIC_KEY, Manifest

SignatureValid = Callable[[bytes, bytes, bytes], bool]
"""(message, signature, public_key_pem) -> whether the signature is valid."""


@dataclass(frozen=True)
class Trust:
    """How the signature is checked, and which key is trusted."""

    signature_valid: SignatureValid
    signed_by: str
    """Said in the check: ``public_key.pem`` or ``KMS key <arn>``."""
    trusted_key: Callable[[Manifest], tuple[bytes | None, str] | None]
    """The trusted key's DER (None: it could not be read) and where it comes from, for the
    manifest; None: no key is pinned (offline without --public-key)."""
    required_key_id: str | None = None
    """When set, the manifest must name this signing key (the stack's own)."""


def _kms_key(keys: SigningKeys, key_id: str) -> tuple[bytes | None, str]:
    try:
        return keys.public_key_der(key_id), f"KMS key {key_id}"
    except KeyUnavailable as error:
        return None, f"KMS key unavailable: {error}"


def manifest_key_trust(keys: SigningKeys, signature_valid: SignatureValid) -> Trust:
    """Online from the CLI: the signature checked with ``public_key.pem``, and that PEM must be
    the public half of the KMS key the manifest names (a package re-signed with another key
    and shipped with that key's PEM fails here)."""
    return Trust(
        signature_valid=signature_valid,
        signed_by=PUBLIC_KEY,
        trusted_key=lambda manifest: _kms_key(keys, manifest.signing_key_id),
    )


def pinned_key_trust(signature_valid: SignatureValid, pinned_der: bytes | None) -> Trust:
    """Offline: ``public_key.pem`` checks the signature; it is trusted only when it equals the
    key given with ``--public-key``."""
    return Trust(
        signature_valid=signature_valid,
        signed_by=PUBLIC_KEY,
        trusted_key=lambda _manifest: None if pinned_der is None else (pinned_der, "--public-key"),
    )


def stack_key_trust(keys: SigningKeys, key_id: str) -> Trust:
    """In the freshness function (no ``cryptography`` in its bundle): KMS's ``Verify`` with the
    stack's own signing key, which the manifest must name, and whose public half
    ``public_key.pem`` must be."""
    return Trust(
        signature_valid=lambda message, signature, _pem: keys.verify(key_id, message, signature),
        signed_by=f"KMS key {key_id}",
        trusted_key=lambda _manifest: _kms_key(keys, key_id),
        required_key_id=key_id,
    )
