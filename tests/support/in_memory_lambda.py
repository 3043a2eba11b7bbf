"""An in-memory Lambda service for the front door's tests: functions are Python callables.

A function raising ``Exception`` fails the invocation with its type and message, as the local
runtime reports it; what it prints goes to its log file, which ``log_path`` names.
"""

from __future__ import annotations

import contextlib
import io
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strongroom.local.specs import FunctionError, FunctionSpec, InvocationResult

ARN_PREFIX = "arn:aws:lambda:eu-west-1:123456789012:function:"
Function = Callable[[Any], Any]


@dataclass
class Call:
    reference: str
    event: Any


@dataclass
class InMemoryLambda:
    log_dir: Path
    functions: dict[str, Function] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, function: Function, *, alias: str | None = None) -> None:
        self.functions[name] = function
        if alias is not None:
            self.aliases[name] = alias

    def function(self, reference: str) -> FunctionSpec:
        parts = reference.split(":")
        name, qualifier = (
            (parts[6], parts[7] if len(parts) > 7 else None)
            if reference.startswith("arn:")
            else (parts[0], parts[1] if len(parts) > 1 else None)
        )
        if name not in self.functions or qualifier not in (None, "$LATEST", self.aliases.get(name)):
            raise LookupError(f"Function not found: {reference}")
        return FunctionSpec(
            system="tests",
            logical_id=name,
            name=name,
            arn=ARN_PREFIX + name,
            handler=f"in_memory.{name}",
            environment={},
        )

    def log_path(self, function_name: str) -> Path:
        return self.log_dir / f"{function_name}.log"

    def invoke(self, function_name: str, event: Any) -> InvocationResult:
        spec = self.function(function_name)
        with self._lock:
            self.calls.append(Call(function_name, event))
        output = io.StringIO()
        payload, error = None, None
        with contextlib.redirect_stdout(output):
            try:
                payload = self.functions[spec.name](event)
            except Exception as raised:  # a function error, as the runtime reports one
                error = FunctionError(type(raised).__name__, str(raised))
        with self.log_path(spec.name).open("a") as log:
            log.write(output.getvalue())
        return InvocationResult(spec.name, str(uuid.uuid4()), payload, error, duration_ms=1.0)

    def calls_of(self, name: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.reference.split(":")[0] == name]
