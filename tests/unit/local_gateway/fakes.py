"""An in-memory Invoker: runs plain Python callables and records every event it was given."""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from strongroom.local.specs import FunctionError, InvocationResult

Function = Callable[[Mapping[str, Any]], Any]


class FunctionTimedOut(Exception):
    """Raise from a fake function to report what Lambda reports when its timeout passes."""


class RecordingInvoker:
    def __init__(self, functions: Mapping[str, Function]) -> None:
        self._functions = dict(functions)
        self._lock = threading.Lock()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def invoke(self, function_name: str, event: Mapping[str, Any]) -> InvocationResult:
        with self._lock:
            self.calls.append((function_name, copy.deepcopy(dict(event))))
        function = self._functions[function_name]
        payload: Any = None
        error: FunctionError | None = None
        try:
            payload = function(event)
        except FunctionTimedOut:
            error = FunctionError("Sandbox.Timedout", "Task timed out after 3.00 seconds", True)
        except Exception as raised:
            error = FunctionError(type(raised).__name__, str(raised))
        return InvocationResult(function_name, str(uuid.uuid4()), payload, error, 0.0)

    def events_for(self, function_name: str) -> list[dict[str, Any]]:
        with self._lock:
            return [event for name, event in self.calls if name == function_name]
