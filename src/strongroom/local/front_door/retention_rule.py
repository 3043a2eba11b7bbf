"""May an object version's Object Lock retention be changed? S3's rule, as a pure function.

AWS (S3 user guide, "Object Lock", retention modes; S3 API, PutObjectRetention):

- COMPLIANCE: while the version is locked nobody can shorten its retention, remove it, or change
  its mode; extending it (same mode, a later date) is allowed.
- GOVERNANCE: the same, unless the request carries ``x-amz-bypass-governance-retention: true``
  (and, on AWS, the caller has ``s3:BypassGovernanceRetention``); extending it, or making it
  COMPLIANCE with the same or a later date, needs no bypass.
- A retention whose date has passed locks nothing: any change is allowed.
- A new retain-until date must be in the future (400 InvalidArgument).

A refused change answers 403 AccessDenied, the code S3 gives for every Object Lock refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Mode = Literal["GOVERNANCE", "COMPLIANCE"]
MODES: tuple[Mode, ...] = ("GOVERNANCE", "COMPLIANCE")
LOCKED_MESSAGE = "Access Denied because object protected by object lock."


@dataclass(frozen=True)
class Retention:
    """A version's retention; ``Retention()`` is none (never set, or removed)."""

    mode: Mode | None = None
    retain_until: datetime | None = None
    """Timezone-aware (UTC)."""

    def locks_at(self, now: datetime) -> bool:
        return self.mode is not None and self.retain_until is not None and self.retain_until > now


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


def retention_change_refusal(
    current: Retention, requested: Retention, *, bypass_governance: bool, now: datetime
) -> Refusal | None:
    """Why S3 refuses to replace ``current`` by ``requested`` on a version, or None if it may."""
    if requested.retain_until is not None and requested.retain_until <= now:
        return Refusal(400, "InvalidArgument", "The retain until date must be in the future!")
    if not current.locks_at(now) or not _weakens(current, requested):
        return None
    if current.mode == "GOVERNANCE" and bypass_governance:
        return None
    return Refusal(403, "AccessDenied", LOCKED_MESSAGE)


def _weakens(current: Retention, requested: Retention) -> bool:
    """Whether ``requested`` protects the version less than ``current`` does: removed, an
    earlier date, or COMPLIANCE made GOVERNANCE."""
    if requested.mode is None or requested.retain_until is None:
        return True
    if current.retain_until is not None and requested.retain_until < current.retain_until:
        return True
    return current.mode == "COMPLIANCE" and requested.mode == "GOVERNANCE"
