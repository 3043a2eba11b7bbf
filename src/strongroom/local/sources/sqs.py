"""An SQS event source that polls the emulator the way Lambda's SQS event source mapping does.

Receive up to ``batch_size`` messages (several receives within the batching window), invoke the
function once with a Lambda-shaped event, then delete what succeeded. Messages that are not deleted
come back when their visibility timeout ends, and the queue's redrive policy moves them to its DLQ:
both are SQS's job, not the runner's.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

from strongroom.local.sources._polling import (
    ClientFactory,
    InvocationListener,
    PollingThreads,
    record_count,
)
from strongroom.local.sources.batch_response import failed_item_ids
from strongroom.local.sources.sqs_records import sqs_lambda_record
from strongroom.local.specs import InvocationResult, Invoker, SqsSourceSpec

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

logger = logging.getLogger(__name__)

_MAX_MESSAGES_PER_RECEIVE = 10  # SQS's limit
_MAX_DELETES_PER_CALL = 10  # SQS's limit
_WINDOW_WAIT_SECONDS = 1  # receives inside a batching window, short enough to notice a stop


class SqsEventSource:
    def __init__(
        self,
        spec: SqsSourceSpec,
        invoker: Invoker,
        clients: ClientFactory,
        *,
        region: str,
        on_invocation: InvocationListener | None = None,
        long_poll_seconds: int = 1,
    ) -> None:
        """``long_poll_seconds``: WaitTimeSeconds of the background pollers' receives (Lambda uses
        20); short, so that ``stop`` returns promptly."""
        self._spec = spec
        self._invoker = invoker
        self._sqs: SQSClient = clients("sqs")
        self._region = region
        self._on_invocation = on_invocation or logger.info  # nobody listening: the log
        self._queue_name = spec.queue_arn.rsplit(":", 1)[-1]
        self._pollers = PollingThreads(
            f"sqs-{self._queue_name}",
            lambda: self.poll_once(wait_seconds=long_poll_seconds),
            count=spec.maximum_concurrency,
        )

    def poll_once(self, wait_seconds: int = 0) -> int:
        """One receive -> invoke -> delete cycle; returns how many messages it handled."""
        messages = self._gather(wait_seconds)
        if not messages:
            return 0
        event = {
            "Records": [
                sqs_lambda_record(message, queue_arn=self._spec.queue_arn, region=self._region)
                for message in messages
            ]
        }
        result = self._invoker.invoke(self._spec.function_name, event)
        succeeded, outcome = self._settle(messages, result)
        self._delete(succeeded)
        self._report(f"{record_count(len(messages))}, {outcome}")
        return len(messages)

    def start(self) -> None:
        """Starts ``maximum_concurrency`` pollers (nothing when the mapping is disabled)."""
        if not self._spec.enabled:
            logger.info(
                "sqs %s -> %s: mapping disabled", self._queue_name, self._spec.function_name
            )
            return
        self._pollers.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._pollers.stop(timeout)

    def _gather(self, wait_seconds: int) -> list[MessageTypeDef]:
        batch_size = self._spec.batch_size
        messages = self._receive(batch_size, wait_seconds)
        if not messages:
            return messages
        window_closes = time.monotonic() + self._spec.maximum_batching_window_seconds
        while len(messages) < batch_size and not self._pollers.stopping:
            remaining = window_closes - time.monotonic()
            if remaining <= 0:
                break
            wait = min(math.ceil(remaining), _WINDOW_WAIT_SECONDS)
            messages.extend(self._receive(batch_size - len(messages), wait))
        return messages

    def _receive(self, count: int, wait_seconds: int) -> list[MessageTypeDef]:
        response = self._sqs.receive_message(
            QueueUrl=self._spec.queue_url,
            MaxNumberOfMessages=min(count, _MAX_MESSAGES_PER_RECEIVE),
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def _settle(
        self, messages: list[MessageTypeDef], result: InvocationResult
    ) -> tuple[list[MessageTypeDef], str]:
        """The messages to delete, and a word on the outcome for the invocation line."""
        if result.error is not None:
            return [], f"error: {result.error.error_type}: {result.error.message}"
        if not self._spec.report_batch_item_failures:
            return messages, "ok"
        failed = failed_item_ids(result.payload, {message["MessageId"] for message in messages})
        if failed is None:
            return [], "malformed batchItemFailures response, whole batch failed"
        succeeded = [message for message in messages if message["MessageId"] not in failed]
        return succeeded, f"{len(failed)} failed" if failed else "ok"

    def _delete(self, messages: list[MessageTypeDef]) -> None:
        for start in range(0, len(messages), _MAX_DELETES_PER_CALL):
            chunk = messages[start : start + _MAX_DELETES_PER_CALL]
            response = self._sqs.delete_message_batch(
                QueueUrl=self._spec.queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(chunk)
                ],
            )
            for failure in response.get("Failed", []):
                # The message comes back after its visibility timeout: processed twice, never lost.
                logger.warning(
                    "sqs %s: could not delete message %s: %s",
                    self._queue_name,
                    chunk[int(failure["Id"])]["MessageId"],
                    failure.get("Message", failure["Code"]),
                )

    def _report(self, summary: str) -> None:
        self._on_invocation(f"sqs {self._queue_name} -> {self._spec.function_name}: {summary}")
