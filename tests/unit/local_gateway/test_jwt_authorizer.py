from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from strongroom.local.gateway.jwt_authorizer import Forbidden, JwtVerifier, Unauthorized
from strongroom.local.issuer import LocalIssuer
from strongroom.local.specs import JwtAuthorizerSpec
from tests.unit.local_gateway.signing import Signer

ISSUER = "http://127.0.0.1/strongroom"
AUTHORIZER = JwtAuthorizerSpec(name="Jwt", issuer=ISSUER, audiences=("records-api", "admin-api"))


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> LocalIssuer:
    return LocalIssuer.load_or_create(tmp_path_factory.mktemp("keys") / "issuer.pem", ISSUER)


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer(kid="test-key")


@pytest.fixture(scope="module")
def verifier(issuer: LocalIssuer) -> JwtVerifier:
    return JwtVerifier({ISSUER: issuer.jwks()})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {"iss": ISSUER, "aud": "records-api", "iat": now, "exp": now + 300}
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def refusal(verifier: JwtVerifier, headers: dict[str, str], scopes: tuple[str, ...] = ()) -> str:
    with pytest.raises(Unauthorized) as raised:
        verifier.authorize(headers, AUTHORIZER, scopes)
    return raised.value.description


def test_valid_token_returns_its_claims(issuer: LocalIssuer, verifier: JwtVerifier) -> None:
    token = issuer.mint(audience="records-api", scopes=["records/read"], subject="alice")

    verified = verifier.authorize(bearer(token), AUTHORIZER, ["records/read"])

    assert verified["sub"] == "alice"
    assert verified["scope"] == "records/read"


def test_bearer_prefix_is_optional_and_header_name_case_insensitive(
    issuer: LocalIssuer, verifier: JwtVerifier
) -> None:
    token = issuer.mint(audience="records-api", scopes=[])

    assert verifier.authorize({"authorization": token}, AUTHORIZER, [])["aud"] == "records-api"
    assert verifier.authorize({"AUTHORIZATION": f"bearer {token}"}, AUTHORIZER, [])


def test_missing_token_is_unauthorized_without_a_token_challenge(verifier: JwtVerifier) -> None:
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer "}):
        with pytest.raises(Unauthorized) as raised:
            verifier.authorize(headers, AUTHORIZER, [])
        assert raised.value.token_presented is False


def test_identity_source_names_the_header(issuer: LocalIssuer, verifier: JwtVerifier) -> None:
    custom = JwtAuthorizerSpec(
        name="Custom",
        issuer=ISSUER,
        audiences=("records-api",),
        identity_source="$request.header.X-Api-Token",
    )
    token = issuer.mint(audience="records-api", scopes=[])

    assert verifier.authorize({"x-api-token": token}, custom, [])
    with pytest.raises(Unauthorized):
        verifier.authorize(bearer(token), custom, [])


def test_unsupported_identity_source_is_a_configuration_error(verifier: JwtVerifier) -> None:
    query = JwtAuthorizerSpec(
        name="Q", issuer=ISSUER, audiences=("a",), identity_source="$request.querystring.token"
    )

    with pytest.raises(ValueError, match="identity source"):
        verifier.authorize({}, query, [])


def test_expired_token_is_unauthorized(issuer: LocalIssuer, verifier: JwtVerifier) -> None:
    stale = issuer.mint(
        audience="records-api",
        scopes=[],
        ttl_seconds=60,
        issued_at=datetime.now(tz=UTC) - timedelta(hours=1),
    )

    assert refusal(verifier, bearer(stale)) == "the token has expired"


def test_token_from_the_future_is_unauthorized(issuer: LocalIssuer, verifier: JwtVerifier) -> None:
    early = issuer.mint(
        audience="records-api", scopes=[], issued_at=datetime.now(tz=UTC) + timedelta(hours=1)
    )

    assert "not valid yet" in refusal(verifier, bearer(early))


def test_token_without_exp_is_unauthorized(signer: Signer) -> None:
    verifier = JwtVerifier({ISSUER: signer.jwks()})

    assert "exp" in refusal(verifier, bearer(signer.sign(claims(exp=None))))


def test_wrong_audience_is_unauthorized(issuer: LocalIssuer, verifier: JwtVerifier) -> None:
    token = issuer.mint(audience="someone-else", scopes=[])

    assert refusal(verifier, bearer(token)) == "the token does not have a valid audience"


def test_audience_list_needs_one_configured_audience(signer: Signer) -> None:
    verifier = JwtVerifier({ISSUER: signer.jwks()})

    assert verifier.authorize(bearer(signer.sign(claims(aud=["x", "admin-api"]))), AUTHORIZER, [])
    with pytest.raises(Unauthorized):
        verifier.authorize(bearer(signer.sign(claims(aud=["x", "y"]))), AUTHORIZER, [])


def test_client_id_stands_in_for_aud_only_when_aud_is_absent(signer: Signer) -> None:
    verifier = JwtVerifier({ISSUER: signer.jwks()})

    no_aud = signer.sign(claims(aud=None, client_id="records-api"))
    wrong_aud = signer.sign(claims(aud="other", client_id="records-api"))
    neither = signer.sign(claims(aud=None))

    assert verifier.authorize(bearer(no_aud), AUTHORIZER, [])["client_id"] == "records-api"
    assert refusal(verifier, bearer(wrong_aud)) == "the token does not have a valid audience"
    assert refusal(verifier, bearer(neither)) == "the token does not have a valid audience"


def test_wrong_issuer_is_unauthorized(tmp_path: Path, issuer: LocalIssuer) -> None:
    # Same key, another issuer name: only the iss claim is wrong.
    impostor = LocalIssuer.load_or_create(tmp_path / "shared.pem", "http://elsewhere/")
    verifier = JwtVerifier({ISSUER: impostor.jwks()})

    token = impostor.mint(audience="records-api", scopes=[])

    assert refusal(verifier, bearer(token)) == "the token does not have a valid issuer"


def test_key_the_issuer_does_not_publish_is_unauthorized(
    tmp_path: Path, verifier: JwtVerifier
) -> None:
    stranger = LocalIssuer.load_or_create(tmp_path / "stranger.pem", ISSUER)

    token = stranger.mint(audience="records-api", scopes=[])

    assert refusal(verifier, bearer(token)) == "the token's kid is not in the issuer's key set"


def test_forged_signature_under_a_known_kid_is_unauthorized(
    issuer: LocalIssuer, verifier: JwtVerifier, signer: Signer
) -> None:
    forged = signer.sign(claims(), kid=issuer.kid)

    assert "Signature verification failed" in refusal(verifier, bearer(forged))


def test_unsigned_and_hmac_tokens_are_unauthorized(
    issuer: LocalIssuer, verifier: JwtVerifier
) -> None:
    for algorithm, key in (("none", ""), ("HS256", "secret-secret-secret-secret-1234")):
        token = jwt.encode(claims(), key, algorithm=algorithm, headers={"kid": issuer.kid})
        with pytest.raises(Unauthorized):
            verifier.authorize(bearer(token), AUTHORIZER, [])


def test_garbage_is_unauthorized(verifier: JwtVerifier) -> None:
    assert "not a JWT" in refusal(verifier, bearer("not-a-token"))


def test_unknown_issuer_has_no_keys(issuer: LocalIssuer) -> None:
    verifier = JwtVerifier({"http://another-issuer/": issuer.jwks()})

    with pytest.raises(Unauthorized):
        verifier.authorize(bearer(issuer.mint(audience="records-api", scopes=[])), AUTHORIZER, [])


def test_route_scopes_need_any_one_of_them(issuer: LocalIssuer, verifier: JwtVerifier) -> None:
    token = issuer.mint(audience="records-api", scopes=["records/write", "profile"])

    verified = verifier.authorize(bearer(token), AUTHORIZER, ["records/read", "records/write"])

    assert verified["scope"] == "records/write profile"


def test_missing_scope_is_forbidden(issuer: LocalIssuer, verifier: JwtVerifier) -> None:
    for scopes in ([], ["records/read"], ["records"]):
        token = issuer.mint(audience="records-api", scopes=scopes)
        with pytest.raises(Forbidden) as raised:
            verifier.authorize(bearer(token), AUTHORIZER, ["records/write", "records/admin"])
        assert raised.value.required_scopes == ("records/write", "records/admin")


def test_scp_claim_counts_as_scopes(signer: Signer) -> None:
    verifier = JwtVerifier({ISSUER: signer.jwks()})

    as_list = signer.sign(claims(scp=["records/read"]))
    as_text = signer.sign(claims(scp="records/read other"))

    assert verifier.authorize(bearer(as_list), AUTHORIZER, ["records/read"])
    assert verifier.authorize(bearer(as_text), AUTHORIZER, ["records/read"])


def test_expired_token_is_401_even_when_scopes_are_missing(
    issuer: LocalIssuer, verifier: JwtVerifier
) -> None:
    stale = issuer.mint(
        audience="records-api", scopes=[], issued_at=datetime.now(tz=UTC) - timedelta(days=1)
    )

    assert refusal(verifier, bearer(stale), scopes=("records/read",)) == "the token has expired"
