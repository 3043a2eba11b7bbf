"""The provisioner's vocabulary: requests, provisioned resources, and the runnable topology."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import ClientError

from strongroom.local.specs import (
    FunctionSpec,
    HttpApiSpec,
    JwtAuthorizerSpec,
    RouteSpec,
    ScheduleSpec,
    SqsSourceSpec,
    StreamSourceSpec,
)

ClientFactory = Callable[[str], Any]


@dataclass(frozen=True)
class ProvisionedResource:
    system: str
    logical_id: str
    resource_type: str
    physical_id: str
    ref: Any
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class PendingHttpApi:
    system: str
    logical_id: str
    api_id: str
    authorizers: dict[str, JwtAuthorizerSpec]
    default_authorizer: str | None
    routes: list[RouteSpec] = field(default_factory=list)


@dataclass
class Topology:
    """What the local runtime runs: functions and the things that invoke them."""

    functions: list[FunctionSpec] = field(default_factory=list)
    sqs_sources: list[SqsSourceSpec] = field(default_factory=list)
    stream_sources: list[StreamSourceSpec] = field(default_factory=list)
    schedules: list[ScheduleSpec] = field(default_factory=list)
    http_api_drafts: dict[str, PendingHttpApi] = field(default_factory=dict)
    api_ports: dict[str, int] = field(default_factory=dict)  # api_id -> loopback port

    def http_apis(self) -> list[HttpApiSpec]:
        return [
            HttpApiSpec(
                system=draft.system,
                logical_id=draft.logical_id,
                api_id=draft.api_id,
                routes=tuple(draft.routes),
                authorizers=dict(draft.authorizers),
            )
            for draft in self.http_api_drafts.values()
        ]


@dataclass
class ProvisionContext:
    """Everything a resource provisioner may use."""

    system: str
    stack_name: str
    region: str
    account_id: str
    clients: ClientFactory
    topology: Topology
    provisioned: Mapping[str, ProvisionedResource]
    template_dir: str = ""

    def physical_name(self, logical_id: str, *, max_length: int = 64, lower: bool = False) -> str:
        """The name CloudFormation would generate, made deterministic: ``<stack>-<LogicalId>``."""
        name = f"{self.stack_name}-{logical_id}"
        if lower:
            name = re.sub(r"[^a-z0-9-]", "-", name.lower())
        return name[:max_length]

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    def resource(
        self,
        logical_id: str,
        resource_type: str,
        physical_id: str,
        attributes: Mapping[str, Any] | None = None,
        *,
        ref: str | None = None,
    ) -> ProvisionedResource:
        """A resource of this system; its Ref is its physical id unless ``ref`` says otherwise."""
        return ProvisionedResource(
            self.system,
            logical_id,
            resource_type,
            physical_id,
            ref or physical_id,
            attributes or {},
        )


class ResourceProvisioner(Protocol):
    """Creates one CloudFormation resource type in the emulator and can tell whether it exists."""

    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource: ...

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool: ...


def function_name_of(reference: str) -> str:
    """``name``, ``name:alias`` or a function ARN (with or without qualifier) -> ``name``."""
    if reference.startswith("arn:"):
        return reference.split(":")[6]
    return reference.split(":", 1)[0]


def answers(call: Callable[[], object]) -> bool:
    """Whether the emulator answers ``call`` without an error: how a provisioner checks that
    the resource it made still exists."""
    try:
        call()
    except ClientError:
        return False
    return True
