"""API Gateway HTTP API's JWT authorizer, rule for rule.

AWS's documented workflow: take the token from the identity source (``Bearer `` prefix
optional), check its RSA signature with the issuer's JWKS key named by ``kid``, then
``iss`` equals the authorizer's issuer, ``aud`` (or ``client_id`` when there is no
``aud``) is one of its audiences, ``exp``/``nbf``/``iat`` are sane, and when the route has
scopes the token's ``scope``/``scp`` holds at least one of them. Any failure is a 401
except the scope check, which is a 403.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jwt

from strongroom.local.specs import JwtAuthorizerSpec

RSA_ALGORITHMS = ("RS256", "RS384", "RS512")  # HTTP API accepts RSA-signed tokens only
LEEWAY_SECONDS = 5
_HEADER_SOURCE_PREFIX = "$request.header."
_BEARER = "bearer"


class Unauthorized(Exception):
    """The request carries no valid token: HTTP API answers 401."""

    def __init__(self, description: str, *, token_presented: bool = True) -> None:
        super().__init__(description)
        self.description = description
        self.token_presented = token_presented


class Forbidden(Exception):
    """A valid token without any of the route's scopes: HTTP API answers 403."""

    def __init__(self, required_scopes: Sequence[str]) -> None:
        super().__init__(f"the token has none of the route's scopes: {' '.join(required_scopes)}")
        self.required_scopes = tuple(required_scopes)


def identity_header(authorizer: JwtAuthorizerSpec) -> str:
    """The header named by ``$request.header.<Name>``, lower-cased; other sources are refused."""
    source = authorizer.identity_source
    if not source.startswith(_HEADER_SOURCE_PREFIX) or source == _HEADER_SOURCE_PREFIX:
        raise ValueError(
            f"authorizer {authorizer.name}: identity source {source!r} is not supported locally;"
            f" use {_HEADER_SOURCE_PREFIX}<HeaderName>"
        )
    return source.removeprefix(_HEADER_SOURCE_PREFIX).lower()


def token_scopes(claims: Mapping[str, Any]) -> list[str]:
    """Scopes from ``scope`` (space separated) and ``scp`` (string or list), in order, once each."""
    found: list[str] = []
    for claim in ("scope", "scp"):
        value = claims.get(claim)
        if isinstance(value, str):
            found.extend(value.split())
        elif isinstance(value, list):
            found.extend(str(item) for item in value)
    return list(dict.fromkeys(found))


class JwtVerifier:
    def __init__(self, jwks_by_issuer: Mapping[str, Mapping[str, Any]]) -> None:
        self._keys_by_issuer = {
            issuer: _keys_by_kid(issuer, jwks) for issuer, jwks in jwks_by_issuer.items()
        }

    def authorize(
        self,
        headers: Mapping[str, str],
        authorizer: JwtAuthorizerSpec,
        required_scopes: Sequence[str],
    ) -> dict[str, Any]:
        """The verified claims; raises ``Unauthorized`` (401) or ``Forbidden`` (403)."""
        token = _token_from(headers, identity_header(authorizer))
        claims = self._verified_claims(token, authorizer)
        if required_scopes and not set(required_scopes) & set(token_scopes(claims)):
            raise Forbidden(required_scopes)
        return claims

    def _verified_claims(self, token: str, authorizer: JwtAuthorizerSpec) -> dict[str, Any]:
        key = self._signing_key(token, authorizer.issuer)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(RSA_ALGORITHMS),
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp"], "verify_aud": False, "verify_iss": False},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("the token has expired") from error
        except jwt.ImmatureSignatureError as error:
            raise Unauthorized("the token is not valid yet (nbf or iat in the future)") from error
        except jwt.InvalidTokenError as error:
            raise Unauthorized(f"the token is invalid: {error}") from error
        if claims.get("iss") != authorizer.issuer:
            raise Unauthorized("the token does not have a valid issuer")
        if not _audience_matches(claims, authorizer.audiences):
            raise Unauthorized("the token does not have a valid audience")
        return claims

    def _signing_key(self, token: str, issuer: str) -> Any:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise Unauthorized(f"the token is not a JWT: {error}") from error
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise Unauthorized("the token has no kid header")
        key = self._keys_by_issuer.get(issuer, {}).get(kid)
        if key is None:
            raise Unauthorized("the token's kid is not in the issuer's key set")
        return key


def _token_from(headers: Mapping[str, str], header_name: str) -> str:
    value = next((v for k, v in headers.items() if k.lower() == header_name), "")
    words = value.split(None, 1)
    if words and words[0].lower() == _BEARER:
        value = words[1] if len(words) > 1 else ""
    value = value.strip()
    if not value:
        raise Unauthorized(f"no token in the {header_name} header", token_presented=False)
    return value


def _audience_matches(claims: Mapping[str, Any], audiences: Sequence[str]) -> bool:
    # AWS reads client_id only when the token has no aud at all.
    if "aud" in claims:
        aud = claims["aud"]
        presented = aud if isinstance(aud, list) else [aud]
    else:
        presented = [claims.get("client_id")]
    return any(isinstance(value, str) and value in audiences for value in presented)


def _keys_by_kid(issuer: str, jwks: Mapping[str, Any]) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    for jwk in jwks.get("keys", []):
        if jwk.get("kty") != "RSA" or "kid" not in jwk:
            continue
        try:
            keys[jwk["kid"]] = jwt.PyJWK(dict(jwk)).key
        except jwt.PyJWKError as error:
            kid = jwk.get("kid")
            raise ValueError(f"issuer {issuer}: unusable JWK {kid!r}: {error}") from error
    return keys
