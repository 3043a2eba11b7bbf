"""Where records and poison messages go: the ports and their implementations."""

from strongroom.login_activity.adapters.activity_store import (
    ActivityStore,
    StoredActivity,
    VersionConflict,
)
from strongroom.login_activity.adapters.dead_letter_queue import (
    DeadLetter,
    DeadLetterQueue,
    SqsDeadLetterQueue,
)
from strongroom.login_activity.adapters.dynamodb_store import DynamoDBActivityStore
from strongroom.login_activity.adapters.in_memory_activity_store import InMemoryActivityStore
from strongroom.login_activity.adapters.in_memory_dead_letter_queue import InMemoryDeadLetterQueue

__all__ = [
    "ActivityStore",
    "DeadLetter",
    "DeadLetterQueue",
    "DynamoDBActivityStore",
    "InMemoryActivityStore",
    "InMemoryDeadLetterQueue",
    "SqsDeadLetterQueue",
    "StoredActivity",
    "VersionConflict",
]
