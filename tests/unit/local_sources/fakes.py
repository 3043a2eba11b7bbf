"""An in-memory Invoker: calls a Python function with the event, as the real one calls a handler."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from strongroom.local.specs import FunctionError, InvocationResult

Handler = Callable[[Mapping[str, Any]], Any]


class RecordingInvoker:
    """Runs ``handler`` in-process and records every event it received.

    Events go through JSON first, as they do on their way to a real Lambda worker, so an event that
    is not JSON (bytes, datetimes) fails here as it would there.
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        self.function_names: list[str] = []

    def invoke(self, function_name: str, event: Mapping[str, Any]) -> InvocationResult:
        received = json.loads(json.dumps(event))
        with self._lock:
            self.events.append(received)
            self.function_names.append(function_name)
        request_id = str(uuid.uuid4())
        try:
            payload = self._handler(received)
        except Exception as error:
            failure = FunctionError(type(error).__name__, str(error))
            return InvocationResult(function_name, request_id, None, failure, 1.0)
        return InvocationResult(function_name, request_id, payload, None, 1.0)

    @property
    def records(self) -> list[dict[str, Any]]:
        """Every record of every event, in delivery order."""
        with self._lock:
            return [record for event in self.events for record in event["Records"]]


def succeed(event: Mapping[str, Any]) -> None:
    return None


def fail(event: Mapping[str, Any]) -> None:
    raise RuntimeError("the function failed")
