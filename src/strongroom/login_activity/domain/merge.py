"""Merging login events into a user's services: order-free, so replays and races are harmless.

Per service the access with the greatest ``precedence`` wins (latest ``last_accessed``, on an
exact tie the greater ``service_name``). Choosing a maximum is commutative, associative and
idempotent, so any delivery order, duplicate or retried merge gives the same record, and a
service's ``last_accessed`` never moves backwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from strongroom.login_activity.domain.activity import ServiceAccess, UserActivity
from strongroom.login_activity.domain.events import LoginEvent


def merge_services(*groups: Iterable[ServiceAccess]) -> tuple[ServiceAccess, ...]:
    """One access per service, the winning one, newest first (tie: ``service_id`` ascending)."""
    winners: dict[str, ServiceAccess] = {}
    for group in groups:
        for access in group:
            held = winners.get(access.service_id)
            if held is None or access.precedence() > held.precedence():
                winners[access.service_id] = access
    by_id = sorted(winners.values(), key=lambda access: access.service_id)
    return tuple(sorted(by_id, key=lambda access: access.precedence()[0], reverse=True))


def merge_activity(
    user_id: str, current: UserActivity | None, events: Iterable[LoginEvent]
) -> UserActivity:
    """``current`` (``None``: no record yet) with ``events`` of the same user merged in."""
    if current is not None and current.user_id != user_id:
        raise ValueError(f"the record of {current.user_id!r} is not {user_id!r}'s")
    accesses: list[ServiceAccess] = []
    for event in events:
        if event.user_id != user_id:
            raise ValueError(f"an event of another user cannot merge into {user_id!r}'s activity")
        accesses.append(event.access())
    known = current.services if current is not None else ()
    return UserActivity(user_id=user_id, services=merge_services(known, accesses))
