"""Handlers the runtime tests invoke in real worker processes."""

from __future__ import annotations

import os
import time
from typing import Any


def echo(event: Any, context: Any) -> dict[str, Any]:
    return {
        "event": event,
        "function_name": context.function_name,
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "remaining_ms_positive": context.get_remaining_time_in_millis() > 0,
        "greeting": os.environ.get("GREETING"),
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID"),
        "pid": os.getpid(),
    }


def fail(event: Any, _context: Any) -> None:
    raise ValueError(f"cannot handle {event['name']}")


def sleep(event: Any, _context: Any) -> str:
    time.sleep(float(event["seconds"]))
    return "woke"


def not_json(_event: Any, _context: Any) -> object:
    return {"when": object()}
