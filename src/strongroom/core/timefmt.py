"""ISO 8601 helpers: every timestamp strongroom writes is UTC with milliseconds and ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_millis(moment: datetime) -> str:
    """``2024-01-01T00:00:00.000Z`` for an aware datetime (naive ones are rejected)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def from_epoch_seconds(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def utc_now() -> datetime:
    return datetime.now(tz=UTC)
