"""The restore work queue: a message ``{"restore_id": ...}`` asks the worker to move a request on.

S3's restore-completed events arrive on the same queue, so one worker (with one DLQ) handles
both; the API and the scheduled sweep add the messages that name a request directly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Self

from strongroom.core.aws import client

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

QUEUE_URL_VARIABLE = "RESTORE_QUEUE_URL"


def work_message(restore_id: str) -> str:
    return json.dumps({"restore_id": restore_id})


class SqsRestoreQueue:
    def __init__(self, queue_url: str, sqs_client: SQSClient | None = None) -> None:
        self.queue_url = queue_url
        self._sqs: SQSClient = sqs_client or client("sqs")

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] = os.environ) -> Self:
        return cls(environment[QUEUE_URL_VARIABLE])

    def start(self, restore_id: str) -> None:
        self._sqs.send_message(QueueUrl=self.queue_url, MessageBody=work_message(restore_id))


class RecordingRestoreQueue:
    def __init__(self) -> None:
        self.started: list[str] = []

    def start(self, restore_id: str) -> None:
        self.started.append(restore_id)
