"""Parsing and authorizing a DEX trigger call: ``GET /data-exchange/trigger``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs

from strongroom.local.standins.dex_tokens import Access, TokenAuthority
from strongroom.local.standins.replies import Reply

TRIGGER_SCOPE = "dex/trigger:all"
REALM = "dex-api"
_CLIENT_ID = re.compile(r"[0-9]{1,18}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class TriggerQuery:
    client_id: int
    trigger_date: date


class Refused(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def authorize(authority: TokenAuthority, authorization: str | None) -> None:
    """Raise :class:`Refused` unless the bearer token is valid and has the trigger scope."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused(_bearer_refusal(401, f'Bearer realm="{REALM}"', "a bearer token is required"))
    access = authority.check(token.strip(), TRIGGER_SCOPE)
    if access is Access.INVALID_TOKEN:
        raise Refused(
            _bearer_refusal(
                401,
                f'Bearer realm="{REALM}", error="invalid_token"',
                "the access token is unknown or expired",
            )
        )
    if access is Access.INSUFFICIENT_SCOPE:
        raise Refused(
            _bearer_refusal(
                403,
                f'Bearer realm="{REALM}", error="insufficient_scope", scope="{TRIGGER_SCOPE}"',
                f"the access token lacks the scope {TRIGGER_SCOPE}",
            )
        )


def parse_query(query: str) -> TriggerQuery:
    """The call's ``clientId`` and ``triggerDate``; :class:`Refused` (400) naming a bad one."""
    fields = parse_qs(query, keep_blank_values=True)
    client_id = _single(fields, "clientId")
    if not _CLIENT_ID.fullmatch(client_id):
        raise Refused(_bad_parameter("clientId", "must be a non-negative integer"))
    raw_date = _single(fields, "triggerDate")
    try:
        if not _ISO_DATE.fullmatch(raw_date):
            raise ValueError(raw_date)
        trigger_date = date.fromisoformat(raw_date)
    except ValueError:
        raise Refused(_bad_parameter("triggerDate", "must be a date as YYYY-MM-DD")) from None
    return TriggerQuery(int(client_id), trigger_date)


def _single(fields: Mapping[str, list[str]], name: str) -> str:
    values = fields.get(name)
    if not values:
        raise Refused(_bad_parameter(name, "is required"))
    if len(values) > 1:
        raise Refused(_bad_parameter(name, "must be given once"))
    return values[0]


def _bad_parameter(name: str, rule: str) -> Reply:
    return Reply.json(
        400, {"error": "invalid_request", "parameter": name, "message": f"{name} {rule}"}
    )


def _bearer_refusal(status: int, challenge: str, message: str) -> Reply:
    error = "insufficient_scope" if status == 403 else "invalid_token"
    return Reply.json(status, {"error": error, "message": message}, ("WWW-Authenticate", challenge))
