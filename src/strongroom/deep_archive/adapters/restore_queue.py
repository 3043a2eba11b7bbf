"""The restore work queue: a message ``{"restore_id": ...}`` asks the worker to move a request on.

S3's restore-completed events arrive on the same queue, so one worker (with one DLQ) handles
both; the API and the scheduled sweep add the messages that name a request directly.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Protocol, Self

from pydantic import Field

from strongroom.core.aws import client
from strongroom.core.settings import EnvironmentSettings

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class RestoreQueueSettings(EnvironmentSettings):
    queue_url: str = Field(alias="RESTORE_QUEUE_URL", min_length=1)


class RestoreQueue(Protocol):
    def start(self, restore_id: str) -> None:
        """Ask the restore worker to move request ``restore_id`` on."""
        ...


class SqsRestoreQueue:
    def __init__(self, queue_url: str, sqs_client: SQSClient | None = None) -> None:
        self.queue_url = queue_url
        self._sqs: SQSClient = sqs_client or client("sqs")

    @classmethod
    def from_environment(cls) -> Self:
        return cls(RestoreQueueSettings.from_environment().queue_url)

    def start(self, restore_id: str) -> None:
        self._sqs.send_message(
            QueueUrl=self.queue_url, MessageBody=json.dumps({"restore_id": restore_id})
        )
