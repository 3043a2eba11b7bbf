"""EventBridge Scheduler's context attributes, replaced in a schedule's Input at each invocation.

AWS documents four keywords (EventBridge Scheduler User Guide, "Adding context attributes"):
``<aws.scheduler.schedule-arn>``, ``<aws.scheduler.scheduled-time>`` (the time the schedule was
due, e.g. ``2022-03-22T18:59:43Z``), ``<aws.scheduler.execution-id>`` (unique per attempted
invocation, e.g. ``d32c5kddcf5bb8c3``) and ``<aws.scheduler.attempt-number>`` (``1`` for the
first attempt). EventBridge rules have no such keywords.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

_EXECUTION_ID_BYTES = 8  # 16 hexadecimal digits, as in AWS's example


def context_attributes(
    schedule_arn: str, scheduled_at: datetime, *, attempt: int = 1, execution_id: str = ""
) -> dict[str, str]:
    """The keyword -> value table for one invocation."""
    return {
        "<aws.scheduler.schedule-arn>": schedule_arn,
        "<aws.scheduler.scheduled-time>": scheduled_at.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
        "<aws.scheduler.execution-id>": execution_id or secrets.token_hex(_EXECUTION_ID_BYTES),
        "<aws.scheduler.attempt-number>": str(attempt),
    }


def substitute(value: Any, attributes: Mapping[str, str]) -> Any:
    """``value`` (parsed Input JSON) with every keyword in its strings replaced."""
    if isinstance(value, str):
        for keyword, replacement in attributes.items():
            value = value.replace(keyword, replacement)
        return value
    if isinstance(value, list):
        return [substitute(item, attributes) for item in value]
    if isinstance(value, Mapping):
        return {
            substitute(key, attributes): substitute(item, attributes) for key, item in value.items()
        }
    return value
