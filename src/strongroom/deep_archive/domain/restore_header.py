"""What S3's ``x-amz-restore`` header says about an archived object.

The seed's public implementation treated any header as "restored", so a restore still running
(``ongoing-request="true"``) was read too early. The header has three meanings:

- absent: no restore was ever requested (or the restored copy expired);
- ``ongoing-request="true"``: a restore is running;
- ``ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"``: a readable copy
  exists until the expiry date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

ArchiveCopy = Literal["absent", "in_progress", "available"]

_PAIR = re.compile(r'([A-Za-z][A-Za-z0-9-]*)\s*=\s*"([^"]*)"')


class RestoreHeaderError(ValueError):
    """The header does not follow S3's documented form."""


@dataclass(frozen=True, slots=True)
class RestoreHeader:
    copy: ArchiveCopy
    expires_at: datetime | None = None

    @property
    def readable(self) -> bool:
        return self.copy == "available"


NOT_RESTORED = RestoreHeader("absent")


def parse_restore_header(value: str | None) -> RestoreHeader:
    """The state an ``x-amz-restore`` header value (boto3's ``Restore`` field) describes."""
    if value is None or not value.strip():
        return NOT_RESTORED
    pairs = {name.lower(): text for name, text in _PAIR.findall(value)}
    ongoing = pairs.get("ongoing-request")
    if ongoing == "true":
        return RestoreHeader("in_progress")
    if ongoing != "false":
        raise RestoreHeaderError(f"x-amz-restore without ongoing-request true/false: {value!r}")
    expiry = pairs.get("expiry-date")
    if expiry is None:
        raise RestoreHeaderError(f"x-amz-restore of a finished restore has no expiry: {value!r}")
    try:
        expires_at = parsedate_to_datetime(expiry)
    except (TypeError, ValueError) as error:
        raise RestoreHeaderError(f"x-amz-restore expiry-date {expiry!r} is not a date") from error
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    return RestoreHeader("available", expires_at.astimezone(UTC))
