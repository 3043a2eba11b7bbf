"""An in-memory ActivityStore with the DynamoDB store's semantics, for unit tests and demos."""

from __future__ import annotations

from strongroom.login_activity.adapters.activity_store import StoredActivity, VersionConflict
from strongroom.login_activity.domain.activity import UserActivity


class InMemoryActivityStore:
    def __init__(self) -> None:
        self._records: dict[str, StoredActivity] = {}
        # Every successful save, in order: tests count the writes per user with it.
        self.writes: list[UserActivity] = []

    def load(self, user_id: str, *, consistent: bool = True) -> StoredActivity | None:  # noqa: ARG002
        """Every read is consistent here."""
        return self._records.get(user_id)

    def save(self, activity: UserActivity, expected_version: int | None) -> int:
        held = self._records.get(activity.user_id)
        held_version = None if held is None else held.version
        if held_version != expected_version:
            raise VersionConflict(
                f"{activity.user_id!r} is at version {held_version}, not {expected_version}"
            )
        version = 1 if expected_version is None else expected_version + 1
        self._records[activity.user_id] = StoredActivity(activity=activity, version=version)
        self.writes.append(activity)
        return version

    def writes_for(self, user_id: str) -> int:
        return sum(1 for activity in self.writes if activity.user_id == user_id)
