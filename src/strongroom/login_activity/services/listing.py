"""A user's services, newest first, for the query API; 404 for a user without records."""

from __future__ import annotations

from http import HTTPStatus

from strongroom.core.http_errors import ApiError
from strongroom.core.observability import logger
from strongroom.login_activity.adapters.activity_store import ActivityStore
from strongroom.login_activity.domain.activity import UserActivity
from strongroom.login_activity.domain.merge import merge_services


class UnknownUser(ApiError):
    """No login of this user has been recorded: ``{"message", "user_id"}``."""

    status = HTTPStatus.NOT_FOUND

    def __init__(self, user_id: str) -> None:
        super().__init__(f"no login activity for user {user_id!r}", user_id=user_id)


def services_of(store: ActivityStore, user_id: str) -> UserActivity:
    stored = store.load(user_id, consistent=False)
    if stored is None:
        logger.info("no login activity", user_id=user_id)
        raise UnknownUser(user_id)
    # The stored order is already newest first; re-merging keeps the promise for any item.
    services = merge_services(stored.activity.services)
    logger.info("services listed", user_id=user_id, services=len(services))
    return UserActivity(user_id=user_id, services=services)
