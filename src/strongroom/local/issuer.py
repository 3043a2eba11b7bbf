"""The local stack's token issuer: an RSA key it keeps on disk and the dev JWTs it signs.

The local API gateway trusts this issuer the way an HTTP API's JWT authorizer trusts an
identity provider: through the public keys in its JWKS, matched by ``kid``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from strongroom.core.timefmt import utc_now

ALGORITHM = "RS256"
_KEY_BITS = 2048
_PUBLIC_EXPONENT = 65537
_KEY_FILE_MODE = 0o600


class LocalIssuer:
    def __init__(self, issuer: str, private_key: rsa.RSAPrivateKey) -> None:
        self.issuer = issuer
        self.kid = _thumbprint(private_key)
        self._private_key = private_key

    def __repr__(self) -> str:
        return f"LocalIssuer(issuer={self.issuer!r}, kid={self.kid!r})"

    @classmethod
    def load_or_create(cls, key_path: Path, issuer: str) -> LocalIssuer:
        """Reuse the key at ``key_path``; create it (mode 0600) on first use."""
        if key_path.exists():
            private_key = _load_private_key(key_path)
        else:
            private_key = rsa.generate_private_key(
                public_exponent=_PUBLIC_EXPONENT, key_size=_KEY_BITS
            )
            _write_private_key(key_path, private_key)
        return cls(issuer, private_key)

    def mint(
        self,
        *,
        audience: str,
        scopes: Sequence[str],
        subject: str = "strongroom-dev",
        ttl_seconds: int = 3600,
        client_id: str | None = None,
        issued_at: datetime | None = None,
    ) -> str:
        """An RS256 access token; ``issued_at`` (default now) lets tests mint stale tokens."""
        issued = int((issued_at or utc_now()).timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience,
            "sub": subject,
            "iat": issued,
            "nbf": issued,
            "exp": issued + ttl_seconds,
            "jti": str(uuid.uuid4()),
            "scope": " ".join(scopes),
        }
        if client_id is not None:
            claims["client_id"] = client_id
        return jwt.encode(claims, self._private_key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        public_jwk = _public_jwk(self._private_key)
        return {"keys": [{**public_jwk, "kid": self.kid, "use": "sig", "alg": ALGORITHM}]}


def _load_private_key(key_path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{key_path}: expected an RSA private key, found {type(key).__name__}")
    return key


def _write_private_key(key_path: Path, private_key: rsa.RSAPrivateKey) -> None:
    pem = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _KEY_FILE_MODE)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(pem)


def _public_jwk(private_key: rsa.RSAPrivateKey) -> dict[str, str]:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {"kty": jwk["kty"], "n": jwk["n"], "e": jwk["e"]}


def _thumbprint(private_key: rsa.RSAPrivateKey) -> str:
    """RFC 7638 JWK thumbprint: a kid that is stable for the key across restarts."""
    canonical = json.dumps(_public_jwk(private_key), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
