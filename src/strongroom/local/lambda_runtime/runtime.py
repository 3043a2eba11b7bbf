"""The local Lambda service: finds a function by name, alias or ARN and invokes it in a worker."""

from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from strongroom.local.lambda_runtime.process import WorkerDied, WorkerProcess, WorkerTimedOut
from strongroom.local.provision.model import function_name_of
from strongroom.local.specs import FunctionError, FunctionSpec, InvocationResult

DEFAULT_CONCURRENCY = 4


class FunctionNotFound(LookupError):
    pass


class _Pool:
    """Idle workers of one function; at most ``limit`` at once, like reserved concurrency."""

    def __init__(
        self, spec: FunctionSpec, environment: Mapping[str, str], log_path: Path, limit: int
    ) -> None:
        self.spec = spec
        self._environment = environment
        self._log_path = log_path
        self._limit = limit
        self._idle: list[WorkerProcess] = []
        self._live = 0
        self._closed = False
        self._condition = threading.Condition()

    def acquire(self) -> WorkerProcess:
        with self._condition:
            while not self._idle and self._live >= self._limit:
                if self._closed:
                    raise WorkerDied("runtime is shutting down")
                self._condition.wait(timeout=1)
            if self._idle:
                return self._idle.pop()
            self._live += 1
        try:
            return WorkerProcess(self.spec.handler, self._environment, self._log_path)
        except BaseException:
            self._forget()
            raise

    def release(self, worker: WorkerProcess) -> None:
        with self._condition:
            if worker.alive and not self._closed:
                self._idle.append(worker)
            else:
                self._live -= 1
            self._condition.notify()
        if self._closed:
            worker.stop()

    def discard(self, worker: WorkerProcess) -> None:
        worker.kill()
        self._forget()

    def _forget(self) -> None:
        with self._condition:
            self._live -= 1
            self._condition.notify()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            idle, self._idle = self._idle, []
            self._condition.notify_all()
        for worker in idle:
            worker.stop()


class LocalLambdaRuntime:
    """Implements :class:`strongroom.local.specs.Invoker` for every function of the templates."""

    def __init__(
        self,
        functions: Sequence[FunctionSpec],
        *,
        aws_environment: Mapping[str, str],
        log_dir: Path,
        default_concurrency: int = DEFAULT_CONCURRENCY,
        credentials_for: Callable[[str], Mapping[str, str]] | None = None,
    ) -> None:
        """``credentials_for``: the AWS credentials (environment variables) a function signs
        with, by function name, over ``aws_environment``'s (the stack's: one key per function,
        so fault rules can aim at one)."""
        log_dir.mkdir(parents=True, exist_ok=True)
        self._log_dir = log_dir
        self._pools: dict[str, _Pool] = {}
        for spec in functions:
            credentials = credentials_for(spec.name) if credentials_for is not None else {}
            environment = self._environment_for(spec, {**aws_environment, **credentials})
            limit = spec.reserved_concurrency or default_concurrency
            self._pools[spec.name] = _Pool(spec, environment, self.log_path(spec.name), limit)

    def log_path(self, function_name: str) -> Path:
        return self._log_dir / f"{function_name}.log"

    @staticmethod
    def _environment_for(spec: FunctionSpec, aws_environment: Mapping[str, str]) -> dict[str, str]:
        inherited = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
        return {
            **inherited,
            "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry),
            "TZ": ":UTC",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"local/{spec.name}",
            **aws_environment,
            **spec.environment,
        }

    def function(self, reference: str) -> FunctionSpec:
        pool = self._pools.get(function_name_of(reference))
        if pool is None:
            raise FunctionNotFound(f"Function not found: {reference}")
        qualifier = _qualifier(reference)
        if qualifier not in (None, "$LATEST", pool.spec.alias):
            raise FunctionNotFound(f"Function {pool.spec.name} has no alias or version {qualifier}")
        return pool.spec

    def invoke(self, function_name: str, event: Any) -> InvocationResult:
        """Run the function with ``event``: any JSON value, as Lambda's Invoke API accepts."""
        spec = self.function(function_name)
        pool = self._pools[spec.name]
        request_id = str(uuid.uuid4())
        started = time.monotonic()
        qualified_arn = spec.arn + (
            f":{_qualifier(function_name)}" if _qualifier(function_name) else ""
        )
        request = {
            "request_id": request_id,
            "invoked_function_arn": qualified_arn,
            "deadline_epoch_ms": int((time.time() + spec.timeout_seconds) * 1000),
            "event": event,
        }
        payload: Any = None
        error: FunctionError | None
        try:
            worker = pool.acquire()
        except WorkerDied as died:
            return self._result(
                spec, request_id, None, FunctionError("Runtime.ExitError", str(died)), started
            )
        try:
            response = worker.invoke(request, timeout_seconds=spec.timeout_seconds)
        except WorkerTimedOut:
            pool.discard(worker)
            message = f"Task timed out after {spec.timeout_seconds:.2f} seconds"
            error = FunctionError("Sandbox.Timedout", message, timed_out=True)
        except WorkerDied as died:
            pool.discard(worker)
            error = FunctionError("Runtime.ExitError", str(died))
        else:
            pool.release(worker)
            raw_error = response.get("error")
            error = (
                FunctionError(
                    raw_error["errorType"],
                    raw_error["errorMessage"],
                    stack_trace=tuple(raw_error.get("stackTrace") or ()),
                )
                if raw_error
                else None
            )
            payload = response.get("payload")
        return self._result(spec, request_id, payload, error, started)

    @staticmethod
    def _result(
        spec: FunctionSpec,
        request_id: str,
        payload: Any,
        error: FunctionError | None,
        started: float,
    ) -> InvocationResult:
        return InvocationResult(
            function_name=spec.name,
            request_id=request_id,
            payload=payload,
            error=error,
            duration_ms=(time.monotonic() - started) * 1000,
        )

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()


def _qualifier(reference: str) -> str | None:
    parts = reference.split(":")
    if reference.startswith("arn:"):
        return parts[7] if len(parts) > 7 else None
    return parts[1] if len(parts) > 1 else None
