"""Bearer tokens the local JWT authorizer must refuse, each breaking one of its rules."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from strongroom.core.timefmt import utc_now
from strongroom.local.issuer import LocalIssuer

REFUSED = {
    "missing": 401,
    "not_a_jwt": 401,
    "expired": 401,
    "forged_signature": 401,
    "alg_none": 401,
    "symmetric_alg": 401,
    "wrong_issuer": 401,
    "wrong_audience": 401,
    "other_scope": 403,
}
"""Each kind of refused token and API Gateway's answer to it."""


def refused_tokens(
    issuer: LocalIssuer, issuer_key: Path, dev_token: str, audience: str
) -> dict[str, str | None]:
    """One token per kind in ``REFUSED`` (``None``: no Authorization header at all).

    ``issuer_key`` is the local issuer's key file: a token signed with it under another issuer
    name is refused for its ``iss`` alone.
    """
    claims: dict[str, Any] = jwt.decode(dev_token, options={"verify_signature": False})
    scopes = str(claims.get("scope", "")).split()
    kid = {"kid": issuer.kid}
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    impostor = LocalIssuer.load_or_create(issuer_key, "https://issuer.example.com")
    assert impostor.kid == issuer.kid  # same key, same kid: only the issuer name differs
    return {
        "missing": None,
        "not_a_jwt": "not-a-jwt",
        "expired": issuer.mint(
            audience=audience, scopes=scopes, issued_at=utc_now() - timedelta(hours=2)
        ),
        "forged_signature": jwt.encode(claims, stranger, algorithm="RS256", headers=kid),
        "alg_none": jwt.encode(claims, None, algorithm="none", headers=kid),
        "symmetric_alg": jwt.encode(claims, "a shared secret " * 4, algorithm="HS256", headers=kid),
        "wrong_issuer": impostor.mint(audience=audience, scopes=scopes),
        "wrong_audience": issuer.mint(audience=f"not-{audience}", scopes=scopes),
        "other_scope": issuer.mint(audience=audience, scopes=["other/read"]),
    }
