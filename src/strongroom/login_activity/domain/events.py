"""A login event as the identity provider puts it on the queue, and why one is rejected."""

from __future__ import annotations

import json
import sys
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from strongroom.login_activity.domain.activity import ServiceAccess
from strongroom.login_activity.domain.fields import Identifier, ServiceName
from strongroom.login_activity.domain.timestamps import Timestamp

RejectionKind = Literal["not_json", "not_an_object", "invalid_event", "unreadable"]

_JSON_KINDS: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


class LoginEvent(BaseModel):
    """One user logged in to one service: ``{user_id, service_id, service_name, timestamp}``.

    Field rules are in ``fields`` and ``timestamps``; ``timestamp`` is normalised to canonical
    UTC (``2022-08-04T08:50:39Z``). Unknown extra fields are ignored, not rejected, so the
    provider can add fields without its events landing on the dead-letter queue.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    user_id: Identifier
    service_id: Identifier
    service_name: ServiceName
    timestamp: Timestamp

    def access(self) -> ServiceAccess:
        return ServiceAccess(
            service_id=self.service_id,
            service_name=self.service_name,
            last_accessed=self.timestamp,
        )


class RejectedEvent(ValueError):
    """A message body that can never become a LoginEvent; ``reason`` names the field and rule."""

    def __init__(self, kind: RejectionKind, reason: str) -> None:
        super().__init__(reason)
        self.kind: RejectionKind = kind
        self.reason = reason


def parse_login_event(body: str) -> LoginEvent:
    """The event in a queue message body, or ``RejectedEvent`` saying what is wrong with it."""
    try:
        body.encode("utf-8")
    except UnicodeEncodeError as fault:
        raise RejectedEvent(
            "not_json", f"body is not valid Unicode (character {fault.start} is a lone surrogate)"
        ) from None
    try:
        document = json.loads(body)
    except RecursionError:
        raise RejectedEvent("not_json", "body is JSON nested too deeply to parse") from None
    except json.JSONDecodeError as fault:
        raise RejectedEvent("not_json", f"body is not JSON: {fault}") from None
    except ValueError:
        digits = sys.get_int_max_str_digits()
        raise RejectedEvent(
            "not_json", f"body is not JSON we read: an integer of more than {digits} digits"
        ) from None
    if not isinstance(document, dict):
        kind = _JSON_KINDS.get(type(document), type(document).__name__)
        raise RejectedEvent("not_an_object", f"body is JSON but not an object (got {kind})")
    try:
        return LoginEvent.model_validate(document)
    except ValidationError as invalid:
        raise RejectedEvent("invalid_event", describe(invalid)) from None


def describe(invalid: ValidationError) -> str:
    """``field: message [rule]; …`` for every error, without echoing the input values."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(body)'}: "
        f"{error['msg']} [{error['type']}]"
        for error in invalid.errors()
    )
