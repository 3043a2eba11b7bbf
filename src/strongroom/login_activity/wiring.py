"""The one place login_activity reads its environment and builds its adapters.

Each is built on first use (never at import) and cached for the life of the Lambda environment.
Handlers reach them through this module's attributes, so a test binds an in-memory fake with
``monkeypatch.setattr(wiring, "activity_store", lambda: fake)``.
"""

from __future__ import annotations

from functools import cache

from pydantic import Field

from strongroom.core.settings import TABLE_NAME_PATTERN, EnvironmentSettings
from strongroom.login_activity.adapters.activity_store import ActivityStore
from strongroom.login_activity.adapters.dead_letter_queue import DeadLetterQueue, SqsDeadLetterQueue
from strongroom.login_activity.adapters.dynamodb_store import DynamoDBActivityStore
from strongroom.login_activity.services.recording import RetryPolicy


class ActivityTableSettings(EnvironmentSettings):
    """Which table holds the records."""

    table_name: str = Field(alias="LOGIN_ACTIVITY_TABLE_NAME", pattern=TABLE_NAME_PATTERN)


class DeadLetterQueueSettings(EnvironmentSettings):
    """Where ingest parks poison messages."""

    queue_url: str = Field(alias="DEAD_LETTER_QUEUE_URL", pattern=r"^https?://\S+$")


@cache
def activity_store() -> ActivityStore:
    return DynamoDBActivityStore(ActivityTableSettings.from_environment().table_name)


@cache
def dead_letter_queue() -> DeadLetterQueue:
    return SqsDeadLetterQueue(DeadLetterQueueSettings.from_environment().queue_url)


retry_policy = RetryPolicy()
