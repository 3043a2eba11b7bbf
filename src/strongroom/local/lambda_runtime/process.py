"""One worker process: start it, send it an invocation, read its answer within a deadline."""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

INIT_TIMEOUT_SECONDS = 60.0


class WorkerDied(RuntimeError):
    """The worker exited or stopped answering."""


class WorkerTimedOut(RuntimeError):
    """The invocation ran past the function's timeout."""


class WorkerProcess:
    def __init__(self, handler: str, environment: Mapping[str, str], log_path: Path) -> None:
        read_fd, write_fd = os.pipe()
        self._log: IO[bytes] = log_path.open("ab")
        env = {**environment, "_HANDLER": handler, "STRONGROOM_RESPONSE_FD": str(write_fd)}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "strongroom.local.lambda_runtime.worker"],
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            pass_fds=(write_fd,),
            close_fds=True,
        )
        os.close(write_fd)
        self._responses = read_fd
        self._buffer = b""
        ready = self._read_line(time.monotonic() + INIT_TIMEOUT_SECONDS)
        self.init_ok = bool(json.loads(ready).get("ready"))

    def invoke(self, request: Mapping[str, Any], timeout_seconds: float) -> dict[str, Any]:
        stdin = self._process.stdin
        if stdin is None or self._process.poll() is not None:
            raise WorkerDied("worker is not running")
        try:
            stdin.write((json.dumps(request) + "\n").encode())
            stdin.flush()
        except BrokenPipeError as error:
            raise WorkerDied("worker closed its input") from error
        line = self._read_line(time.monotonic() + timeout_seconds, timeout_is_error=True)
        response: dict[str, Any] = json.loads(line)
        return response

    def _read_line(self, deadline: float, *, timeout_is_error: bool = False) -> str:
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                if timeout_is_error:
                    raise WorkerTimedOut
                raise WorkerDied("worker did not start in time")
            readable, _, _ = select.select([self._responses], [], [], min(remaining, 0.5))
            if not readable:
                continue
            chunk = os.read(self._responses, 1 << 16)
            if not chunk:
                self.kill()
                raise WorkerDied(f"worker exited with code {self._process.poll()}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode()

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._close()

    def _close(self) -> None:
        if self._responses >= 0:
            os.close(self._responses)
            self._responses = -1
        if self._process.stdin is not None and not self._process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        self._log.close()
