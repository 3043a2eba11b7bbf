"""The DEX stand-in's token endpoint: RFC 6749 §4.4 requests in, §5.1/§5.2 answers out.

Clients authenticate with HTTP Basic (``client_secret_basic``, the default of authlib and
httpx-auth) or with ``client_id``/``client_secret`` form fields (``client_secret_post``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote_plus

from strongroom.local.standins.dex_tokens import IssuedToken, TokenAuthority, TokenError
from strongroom.local.standins.replies import Reply

FORM_TYPE = "application/x-www-form-urlencoded"
REALM = "dex-api"
NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


def token_reply(authority: TokenAuthority, headers: Mapping[str, str], body: bytes) -> Reply:
    """Answer a token request; ``headers`` are keyed in lower case."""
    try:
        form = _form(headers, body)
        issued = _issue(authority, form, _client_credentials(headers.get("authorization"), form))
    except TokenError as refused:
        return _refusal(refused)
    return Reply.json(
        200,
        {
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": " ".join(sorted(issued.scopes)),
        },
        *NO_STORE,
    )


def _issue(
    authority: TokenAuthority, form: Mapping[str, str], candidates: list[tuple[str, str]]
) -> IssuedToken:
    """Try each reading of the client's credentials; the last refusal stands."""
    for client_id, client_secret in candidates[:-1]:
        try:
            return authority.issue(
                form.get("grant_type"), client_id, client_secret, form.get("scope")
            )
        except TokenError as refused:
            if refused.error != "invalid_client":
                raise
    client_id, client_secret = candidates[-1]
    return authority.issue(form.get("grant_type"), client_id, client_secret, form.get("scope"))


def _form(headers: Mapping[str, str], body: bytes) -> dict[str, str]:
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != FORM_TYPE:
        raise TokenError("invalid_request", f"the request body must be {FORM_TYPE}")
    try:
        fields = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise TokenError("invalid_request", "the form body cannot be parsed") from None
    repeated = sorted(name for name, values in fields.items() if len(values) > 1)
    if repeated:
        raise TokenError("invalid_request", f"parameter repeated: {', '.join(repeated)}")
    return {name: values[0] for name, values in fields.items()}


def _client_credentials(
    authorization: str | None, form: Mapping[str, str]
) -> list[tuple[str, str]]:
    in_form = "client_id" in form or "client_secret" in form
    if authorization is not None:
        if in_form:
            raise TokenError("invalid_request", "use one client authentication method, not two")
        return _basic(authorization)
    if not in_form:
        raise TokenError("invalid_client", "client authentication is missing", status=401)
    return [(form.get("client_id", ""), form.get("client_secret", ""))]


def _basic(authorization: str) -> list[tuple[str, str]]:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        raise TokenError("invalid_client", f"unsupported authentication {scheme!r}", status=401)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise TokenError("invalid_client", "malformed Basic credentials", status=401) from None
    client_id, separator, client_secret = decoded.partition(":")
    if not separator:
        raise TokenError("invalid_client", "malformed Basic credentials", status=401)
    # RFC 6749 §2.3.1 form-urlencodes both before Basic encoding (authlib does); httpx-auth
    # sends them raw. Both readings are tried, the RFC's first.
    decoded_pair = (unquote_plus(client_id), unquote_plus(client_secret))
    raw_pair = (client_id, client_secret)
    return [decoded_pair] if decoded_pair == raw_pair else [decoded_pair, raw_pair]


def _refusal(refused: TokenError) -> Reply:
    headers = list(NO_STORE)
    if refused.status == 401:
        headers.append(("WWW-Authenticate", f'Basic realm="{REALM}"'))
    document = {"error": refused.error, "error_description": refused.description}
    return Reply.json(refused.status, document, *headers)
