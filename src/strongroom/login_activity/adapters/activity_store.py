"""The port both handlers reach the users' activity records through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from strongroom.login_activity.domain.activity import UserActivity


@dataclass(frozen=True, slots=True)
class StoredActivity:
    """A record as read, with the version a conditional write must still find.

    Version 0 is an item stored without a version attribute (seed-era data); the first
    write through this store makes it 1.
    """

    activity: UserActivity
    version: int


class VersionConflict(Exception):
    """Another writer changed the record since it was read: read again, merge again."""


class ActivityStore(Protocol):
    def load(self, user_id: str, *, consistent: bool = True) -> StoredActivity | None:
        """The user's record, ``None`` when there is none."""
        ...

    def save(self, activity: UserActivity, expected_version: int | None) -> int:
        """Store ``activity`` if the record still has ``expected_version`` (``None``: absent).

        Returns the new version (``expected_version + 1``, 1 for a new record); raises
        ``VersionConflict`` when the record changed in the meantime.
        """
        ...
