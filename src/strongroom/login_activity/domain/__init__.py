"""Pure login activity logic: validation, canonical timestamps, merging. No AWS SDK here."""

from strongroom.login_activity.domain.activity import ServiceAccess, UserActivity
from strongroom.login_activity.domain.events import (
    LoginEvent,
    RejectedEvent,
    RejectionKind,
    describe,
    parse_login_event,
)
from strongroom.login_activity.domain.fields import (
    IDENTIFIER_MAX_LENGTH,
    IDENTIFIER_PATTERN,
    SERVICE_NAME_MAX_LENGTH,
    Identifier,
    ServiceName,
)
from strongroom.login_activity.domain.merge import merge_activity, merge_services
from strongroom.login_activity.domain.timestamps import Timestamp, canonical_timestamp, instant_key

__all__ = [
    "IDENTIFIER_MAX_LENGTH",
    "IDENTIFIER_PATTERN",
    "SERVICE_NAME_MAX_LENGTH",
    "Identifier",
    "LoginEvent",
    "RejectedEvent",
    "RejectionKind",
    "ServiceAccess",
    "ServiceName",
    "Timestamp",
    "UserActivity",
    "canonical_timestamp",
    "describe",
    "instant_key",
    "merge_activity",
    "merge_services",
    "parse_login_event",
]
