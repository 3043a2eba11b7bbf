"""What the template loader hands to the runtime pieces.

Every spec is resolved: names, URLs and ARNs are the physical values in the local
emulator. The runners, the gateway and the scheduler read nothing else from the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class FunctionSpec:
    system: str
    logical_id: str
    name: str
    arn: str
    handler: str  # "package.module.function"
    environment: Mapping[str, str]
    timeout_seconds: int = 3
    memory_mb: int = 128
    alias: str | None = None
    reserved_concurrency: int | None = None


@dataclass(frozen=True)
class FunctionError:
    error_type: str
    message: str
    timed_out: bool = False
    stack_trace: tuple[str, ...] = ()


@dataclass(frozen=True)
class InvocationResult:
    function_name: str
    request_id: str
    payload: Any
    error: FunctionError | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.error is None


class Invoker(Protocol):
    """Runs a function synchronously with a Lambda-shaped event, as Lambda's poller would."""

    def invoke(self, function_name: str, event: Mapping[str, Any]) -> InvocationResult: ...


@dataclass(frozen=True)
class SqsSourceSpec:
    function_name: str
    queue_url: str
    queue_arn: str
    batch_size: int = 10
    maximum_batching_window_seconds: int = 0
    report_batch_item_failures: bool = False
    maximum_concurrency: int = 2
    enabled: bool = True


@dataclass(frozen=True)
class StreamSourceSpec:
    function_name: str
    stream_arn: str
    starting_position: Literal["TRIM_HORIZON", "LATEST"] = "LATEST"
    batch_size: int = 100
    maximum_batching_window_seconds: int = 0
    maximum_retry_attempts: int = -1  # -1: retry until the record expires, as on AWS
    maximum_record_age_seconds: int = -1
    bisect_batch_on_function_error: bool = False
    on_failure_destination_arn: str | None = None  # an SQS queue or SNS topic ARN
    report_batch_item_failures: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class ScheduleSpec:
    name: str  # "<system>.<LogicalId>.<EventName>"
    expression: str  # "cron(...)" or "rate(...)"
    function_name: str
    input: Mapping[str, Any] | None = None  # the target's Input, parsed; None: the default
    enabled: bool = True
    description: str = ""
    # "rule": an EventBridge rule (UTC, the scheduled-event payload); "scheduler": an
    # EventBridge Scheduler schedule (its time zone, context attributes in Input)
    service: Literal["rule", "scheduler"] = "rule"
    timezone: str = "UTC"  # IANA name; only Scheduler schedules have another
    arn: str = ""  # the rule's or schedule's ARN in the emulator


@dataclass(frozen=True)
class JwtAuthorizerSpec:
    name: str
    issuer: str
    audiences: tuple[str, ...]
    identity_source: str = "$request.header.Authorization"


@dataclass(frozen=True)
class RouteSpec:
    method: str  # GET, POST, ... or ANY
    path: str  # "/users/{user_id}/services", "/{proxy+}"
    function_name: str
    authorizer: str | None = None  # name of a JwtAuthorizerSpec, None: open route
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class HttpApiSpec:
    system: str
    logical_id: str
    api_id: str
    routes: tuple[RouteSpec, ...]
    authorizers: Mapping[str, JwtAuthorizerSpec] = field(default_factory=dict)
    stage: str = "$default"
