"""Login timestamps: RFC 3339 date-times with a zone, kept as one canonical UTC string each.

One instant has exactly one canonical text (UTC, ``Z``, fraction without trailing zeros), so
equal instants compare equal as strings and a replayed event can never look like a change.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

EXAMPLE = "2022-08-04T08:50:39Z"

_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})"
    r"(?:\.(?P<fraction>\d{1,9}))?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NANOSECOND_DIGITS = 9
_CANONICAL_SECONDS = len("2022-08-04T08:50:39")


def canonical_timestamp(text: str) -> str:
    """``text`` as canonical UTC (``2022-08-04T08:50:39Z``, ``…39.5Z``) or a pydantic error.

    Accepted: ``YYYY-MM-DDTHH:MM:SS[.f{1,9}]`` followed by ``Z`` or ``±HH:MM`` (RFC 3339, the
    ISO 8601 profile OIDC providers emit). A date without a time, a time without a zone and
    numbers such as epoch seconds are rejected: none of them names one instant.
    """
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        if _DATE_ONLY.fullmatch(text):
            raise _error("timestamp_without_time", "a date alone is not an instant")
        raise _error("timestamp_format", "is not an ISO 8601 date-time")
    if match["zone"] is None:
        raise _error("timestamp_without_zone", "has no time zone")
    try:
        local = datetime.fromisoformat(f"{match['date']}T{match['time']}")
        utc = local.replace(tzinfo=_zone(match["zone"])).astimezone(UTC)
    except (ValueError, OverflowError) as fault:
        raise _error("timestamp_out_of_range", f"is not a valid date-time ({fault})") from None
    fraction = (match["fraction"] or "").rstrip("0")
    seconds = utc.replace(tzinfo=None).isoformat(timespec="seconds")
    return f"{seconds}.{fraction}Z" if fraction else f"{seconds}Z"


def instant_key(canonical: str) -> tuple[str, int]:
    """Chronological sort key of a canonical timestamp (plain string order puts ``.5Z`` first)."""
    fraction = canonical[_CANONICAL_SECONDS + 1 : -1]
    return canonical[:_CANONICAL_SECONDS], int(fraction.ljust(_NANOSECOND_DIGITS, "0"))


def _zone(designator: str) -> timezone:
    if designator == "Z":
        return UTC
    sign = -1 if designator[0] == "-" else 1
    hours, minutes = int(designator[1:3]), int(designator[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"zone offset {designator} out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _error(rule: str, problem: str) -> PydanticCustomError:
    return PydanticCustomError(
        rule,
        "{problem}: expected an ISO 8601 date-time with seconds and a zone (Z or ±HH:MM), "
        "e.g. {example}",
        {"problem": problem, "example": EXAMPLE},
    )


Timestamp = Annotated[
    str,
    AfterValidator(canonical_timestamp),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": [EXAMPLE]}),
]
"""An instant as canonical UTC text; validation rejects what ``canonical_timestamp`` rejects."""
