"""A UserActivity as a DynamoDB item in the seed's shape, plus the ``version`` attribute.

``{"user_id": S, "services": L[M{"service_id", "service_name", "last_accessed"}], "version": N}``
"""

from __future__ import annotations

from typing import Any

from strongroom.login_activity.adapters.activity_store import StoredActivity
from strongroom.login_activity.domain.activity import UserActivity

USER_ID = "user_id"
SERVICES = "services"
VERSION = "version"
_ACCESS_FIELDS = ("service_id", "service_name", "last_accessed")


def to_item(activity: UserActivity, version: int) -> dict[str, Any]:
    return {
        USER_ID: {"S": activity.user_id},
        SERVICES: {
            "L": [
                {"M": {name: {"S": getattr(access, name)} for name in _ACCESS_FIELDS}}
                for access in activity.services
            ]
        },
        VERSION: {"N": str(version)},
    }


def from_item(item: dict[str, Any]) -> StoredActivity:
    """The record in ``item``; a malformed item raises ``ValueError`` naming what is wrong."""
    user_id = item.get(USER_ID, {}).get("S")
    services = item.get(SERVICES, {"L": []}).get("L")
    if not isinstance(services, list):
        raise ValueError(f"item {user_id!r}: {SERVICES} is not a list attribute")
    activity = UserActivity.model_validate(
        {"user_id": user_id, "services": [_plain_access(user_id, value) for value in services]}
    )
    version = item.get(VERSION, {"N": "0"}).get("N")
    if not isinstance(version, str) or not version.isdigit():
        raise ValueError(f"item {user_id!r}: {VERSION} is not a whole number")
    return StoredActivity(activity=activity, version=int(version))


def _plain_access(user_id: object, value: dict[str, Any]) -> dict[str, Any]:
    fields = value.get("M")
    if not isinstance(fields, dict):
        raise ValueError(f"item {user_id!r}: a {SERVICES} entry is not a map")
    return {name: fields.get(name, {}).get("S") for name in _ACCESS_FIELDS}
