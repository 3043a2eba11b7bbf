"""Where poison messages go: the DeadLetterQueue port and its SQS implementation.

The ingest handler parks a message that can never be processed itself (instead of failing it
until SQS's redrive moves it) so the reason travels with it as message attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from strongroom.core import aws

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """The original body, verbatim, and string attributes saying why and where from."""

    body: str
    attributes: Mapping[str, str] = field(default_factory=dict)


class DeadLetterQueue(Protocol):
    def send(self, letter: DeadLetter) -> None:
        """Park ``letter``; raises when it could not be (the message must then be retried)."""
        ...


class SqsDeadLetterQueue:
    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self._queue_url = queue_url
        self._client: SQSClient = client or aws.client("sqs")

    def send(self, letter: DeadLetter) -> None:
        self._client.send_message(
            QueueUrl=self._queue_url,
            MessageBody=letter.body,
            MessageAttributes={
                name: {"DataType": "String", "StringValue": value}
                for name, value in letter.attributes.items()
                if value
            },
        )
