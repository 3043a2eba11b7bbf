"""Fault rules: which calls a rule covers, and which of them it faults, deterministically.

A rule names a service and an operation (``*`` for any), optionally the one workload (a
function or Batch job definition, by name) whose calls it covers, an ``error`` (``throttle`` or
``5xx``, which SDKs retry, or ``denied``, which they do not) and/or a ``delay_ms``, the
``fraction`` of its calls it faults, at most ``max_faults`` of them, and whether the error
replaces the call (``phase: before``, the default: nothing happened) or its answer (``after``:
the call took effect, the caller is told it failed). Whether a rule's n-th call is faulted
depends only on the seed, the rule's place in the list and n.
Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ANY: Final = "*"


class FaultError(StrEnum):
    THROTTLE = "throttle"
    SERVER = "5xx"
    DENIED = "denied"
    """Access denied: no SDK retries it, so the caller's own recovery takes over at once."""


class FaultRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str = Field(ANY, min_length=1, description="credential scope service, or *")
    operation: str = Field(ANY, min_length=1, description="API operation name, or *")
    principal: str = Field(
        ANY, min_length=1, description="function or Batch job definition that signs, or *"
    )
    error: FaultError | None = None
    delay_ms: int = Field(0, ge=0, le=60_000)
    fraction: float = Field(1.0, ge=0.0, le=1.0)
    max_faults: int | None = Field(None, ge=0)
    phase: Literal["before", "after"] = "before"

    @model_validator(mode="after")
    def _does_something(self) -> FaultRule:
        if self.error is None and self.delay_ms == 0:
            raise ValueError(
                "a rule needs an error (throttle, 5xx or denied) or a delay_ms above 0"
            )
        return self

    def covers(self, service: str, operation: str, principal: str = "") -> bool:
        return (
            self.service in (ANY, service)
            and self.operation in (ANY, operation)
            and self.principal in (ANY, principal)
        )


class FaultConfig(BaseModel):
    """What ``POST /faults`` takes and ``StackOptions.faults`` holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    rules: tuple[FaultRule, ...] = ()


def chosen(seed: int, rule_index: int, call_number: int, fraction: float) -> bool:
    """Whether a rule faults its ``call_number``-th call: a hash of the three numbers read as a
    fraction in [0, 1), so any seed faults ``fraction`` of the calls in the long run."""
    if fraction >= 1.0:
        return True
    digest = hashlib.sha256(f"{seed}/{rule_index}/{call_number}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction
