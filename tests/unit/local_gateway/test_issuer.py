from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest

from strongroom.local.issuer import LocalIssuer

ISSUER = "http://127.0.0.1/strongroom"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> LocalIssuer:
    return LocalIssuer.load_or_create(tmp_path_factory.mktemp("keys") / "issuer.pem", ISSUER)


def test_creates_the_key_file_readable_by_the_owner_only(tmp_path: Path) -> None:
    key_path = tmp_path / "nested" / "issuer.pem"

    LocalIssuer.load_or_create(key_path, ISSUER)

    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert key_path.read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_reuses_the_key_across_restarts(tmp_path: Path) -> None:
    key_path = tmp_path / "issuer.pem"
    first = LocalIssuer.load_or_create(key_path, ISSUER)

    second = LocalIssuer.load_or_create(key_path, ISSUER)

    assert second.kid == first.kid
    assert second.jwks() == first.jwks()
    token = first.mint(audience="api", scopes=["read"])
    key = jwt.PyJWK(second.jwks()["keys"][0]).key
    assert jwt.decode(token, key, algorithms=["RS256"], audience="api")["scope"] == "read"


def test_jwks_publishes_one_rsa_signing_key(issuer: LocalIssuer) -> None:
    (key,) = issuer.jwks()["keys"]

    assert key["kty"] == "RSA"
    assert key["kid"] == issuer.kid
    assert key["use"] == "sig"
    assert key["alg"] == "RS256"
    assert key["e"] == "AQAB"
    assert len(jwt.utils.base64url_decode(key["n"])) == 256  # 2048 bits
    assert "d" not in key


def test_minted_token_carries_the_standard_claims(issuer: LocalIssuer) -> None:
    issued_at = datetime(2030, 1, 1, tzinfo=UTC)

    token = issuer.mint(
        audience="records-api",
        scopes=["records/read", "records/write"],
        subject="alice",
        ttl_seconds=600,
        client_id="cli",
        issued_at=issued_at,
    )

    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": issuer.kid, "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    start = int(issued_at.timestamp())
    assert claims["iss"] == ISSUER
    assert claims["aud"] == "records-api"
    assert claims["sub"] == "alice"
    assert claims["client_id"] == "cli"
    assert claims["scope"] == "records/read records/write"
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (start, start, start + 600)
    assert claims["jti"]


def test_repr_does_not_show_the_key(issuer: LocalIssuer) -> None:
    assert repr(issuer) == f"LocalIssuer(issuer={ISSUER!r}, kid={issuer.kid!r})"
