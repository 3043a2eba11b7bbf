"""Recording one user's login events: read, merge, conditional write, again on a conflict.

The merge is order-free, so re-reading and re-merging after another writer got in first loses
nothing; the version condition makes sure no writer overwrites a record it has not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from strongroom.core.backoff import Backoff
from strongroom.login_activity.adapters.activity_store import ActivityStore, VersionConflict
from strongroom.login_activity.domain.events import LoginEvent
from strongroom.login_activity.domain.merge import merge_activity


@dataclass(frozen=True)
class RetryPolicy(Backoff):
    """How often a conflicting write is retried: a write takes milliseconds, so pauses are short."""

    max_attempts: int = 5
    base_delay_seconds: float = 0.02
    max_delay_seconds: float = 0.5


@dataclass(frozen=True, slots=True)
class Recorded:
    """What recording a user's events did: ``written`` is False when nothing changed."""

    written: bool
    conflicts: int


class ConflictRetriesExhausted(Exception):
    """Every attempt lost the race to another writer; the events must be retried later."""

    def __init__(self, user_id: str, attempts: int) -> None:
        super().__init__(f"{user_id!r}: {attempts} conditional writes in a row lost to others")
        self.user_id = user_id
        self.attempts = attempts


def record_logins(
    store: ActivityStore,
    user_id: str,
    events: Sequence[LoginEvent],
    policy: RetryPolicy | None = None,
) -> Recorded:
    """Merge ``events`` into the user's record with at most one successful write.

    No write happens when the merge changes nothing (a replayed or older event). Store errors
    other than a version conflict propagate: the caller decides what to retry.
    """
    policy = policy or RetryPolicy()
    for attempt in range(1, policy.max_attempts + 1):
        stored = store.load(user_id, consistent=True)
        current = None if stored is None else stored.activity
        merged = merge_activity(user_id, current, events)
        if stored is not None and merged == stored.activity:
            return Recorded(written=False, conflicts=attempt - 1)
        try:
            store.save(merged, expected_version=None if stored is None else stored.version)
        except VersionConflict:
            if attempt < policy.max_attempts:
                policy.pause(attempt)
            continue
        return Recorded(written=True, conflicts=attempt - 1)
    raise ConflictRetriesExhausted(user_id, policy.max_attempts)
