"""Where records and poison messages go: the ports and their implementations."""

from strongroom.login_activity.adapters.activity_store import (
    ActivityStore,
    StoredActivity,
    VersionConflict,
)
from strongroom.login_activity.adapters.dead_letter_queue import (
    DeadLetter,
    DeadLetterQueue,
    DeadLetterQueueSettings,
    InMemoryDeadLetterQueue,
    SqsDeadLetterQueue,
)
from strongroom.login_activity.adapters.dynamodb_store import (
    ActivityTableSettings,
    DynamoDBActivityStore,
)
from strongroom.login_activity.adapters.memory_store import InMemoryActivityStore

__all__ = [
    "ActivityStore",
    "ActivityTableSettings",
    "DeadLetter",
    "DeadLetterQueue",
    "DeadLetterQueueSettings",
    "DynamoDBActivityStore",
    "InMemoryActivityStore",
    "InMemoryDeadLetterQueue",
    "SqsDeadLetterQueue",
    "StoredActivity",
    "VersionConflict",
]
