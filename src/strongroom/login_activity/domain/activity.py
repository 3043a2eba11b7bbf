"""A user's login activity in the seed's stored shape: which services, last accessed when."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from strongroom.login_activity.domain.fields import Identifier, ServiceName
from strongroom.login_activity.domain.timestamps import Timestamp, instant_key


class ServiceAccess(BaseModel):
    """The last time the user logged in to one service (relying party), under which name."""

    model_config = ConfigDict(frozen=True)

    service_id: Identifier
    service_name: ServiceName
    last_accessed: Timestamp

    def precedence(self) -> tuple[tuple[str, int], str]:
        """Which of two accesses to one service wins: the later, on a tie the greater name."""
        return instant_key(self.last_accessed), self.service_name


class UserActivity(BaseModel):
    """Every service the user logged in to, newest ``last_accessed`` first (the seed's record)."""

    model_config = ConfigDict(frozen=True)

    user_id: Identifier
    services: tuple[ServiceAccess, ...]
