"""Provision stacks in dependency order and resolve their outputs."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strongroom.local.provision.model import (
    ClientFactory,
    ProvisionContext,
    ProvisionedResource,
    Topology,
)
from strongroom.local.provision.registry import PROVISIONERS
from strongroom.local.template.conditional import apply_to_template
from strongroom.local.template.conditions import evaluate_conditions
from strongroom.local.template.intrinsics import TemplateError, references, resolve
from strongroom.local.template.stacks import (
    StackTemplate,
    apply_root_conditions,
    dependency_order,
    depends_on,
    load_nested,
    nested_applications,
    parameter_reference,
    parameter_values,
)
from strongroom.local.template.yaml_loader import load_template

_GLOBAL_SECTIONS = {"AWS::Serverless::Function": "Function", "AWS::Serverless::HttpApi": "HttpApi"}


@dataclass
class ProvisionedStack:
    system: str
    stack_name: str
    template_path: Path
    resources: dict[str, ProvisionedResource] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # logical id -> its false condition


@dataclass(frozen=True)
class Environment:
    region: str
    account_id: str
    clients: ClientFactory


class _StackValues:
    def __init__(
        self,
        stack: StackTemplate,
        environment: Environment,
        provisioned: Mapping[str, ProvisionedResource],
    ) -> None:
        self._stack = stack
        self._provisioned = provisioned
        self._pseudo = {
            "AWS::Region": environment.region,
            "AWS::AccountId": environment.account_id,
            "AWS::StackName": stack.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{environment.region}:{environment.account_id}:"
            f"stack/{stack.stack_name}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }

    def ref(self, name: str) -> Any:
        if name in self._stack.parameters:
            declarations = self._stack.body.get("Parameters") or {}
            return parameter_reference(declarations, name, self._stack.parameters[name])
        if name in self._pseudo:
            return self._pseudo[name]
        resource, _, attribute = name.partition(".")
        if resource in self._provisioned:
            provisioned = self._provisioned[resource]
            return provisioned.attributes[attribute] if attribute else provisioned.ref
        raise TemplateError(f"{self._stack.path}: Ref {name} names nothing provisioned yet")

    def get_att(self, resource: str, attribute: str) -> Any:
        provisioned = self._provisioned.get(resource)
        if provisioned is None or attribute not in provisioned.attributes:
            raise TemplateError(
                f"{self._stack.path}: GetAtt {resource}.{attribute} is not available"
            )
        return provisioned.attributes[attribute]


def _with_globals(
    stack: StackTemplate, resource_type: str, properties: dict[str, Any]
) -> dict[str, Any]:
    section = _GLOBAL_SECTIONS.get(resource_type)
    defaults = ((stack.body.get("Globals") or {}).get(section) or {}) if section else {}
    merged = copy.deepcopy(defaults)
    for key, value in properties.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
            if key == "Environment":
                merged[key]["Variables"] = {
                    **(defaults.get("Environment") or {}).get("Variables", {}),
                    **value.get("Variables", {}),
                }
        else:
            merged[key] = value
    return merged


def _properties(stack: StackTemplate, resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resource's properties with the Globals that apply to its type (which may refer to
    other resources too)."""
    return _with_globals(stack, resource.get("Type", ""), resource.get("Properties") or {})


def resource_order(stack: StackTemplate) -> list[str]:
    """Logical ids such that every resource comes after the ones it refers to."""
    resources = stack.resources
    needs = {
        logical_id: (references(_properties(stack, resource)) | depends_on(resource))
        & (set(resources) - {logical_id})
        for logical_id, resource in resources.items()
    }
    return dependency_order(needs, f"{stack.path}: resources refer to each other in a cycle")


def provision_stack(
    stack: StackTemplate, environment: Environment, topology: Topology
) -> ProvisionedStack:
    result = ProvisionedStack(stack.system, stack.stack_name, stack.path)
    stack, result.skipped = _as_deployed(stack, environment)
    values = _StackValues(stack, environment, result.resources)
    context = ProvisionContext(
        system=stack.system,
        stack_name=stack.stack_name,
        region=environment.region,
        account_id=environment.account_id,
        clients=environment.clients,
        topology=topology,
        provisioned=result.resources,
        template_dir=str(stack.path.parent),
    )
    for logical_id in resource_order(stack):
        resource = stack.resources[logical_id]
        resource_type = resource.get("Type", "")
        provisioner = PROVISIONERS.get(resource_type)
        if provisioner is None:
            raise TemplateError(
                f"{stack.path}: {logical_id} has type {resource_type}, "
                "which the local stack cannot create"
            )
        properties = resolve(_properties(stack, resource), values)
        result.resources[logical_id] = provisioner.provision(logical_id, properties, context)
    for name, output in (stack.body.get("Outputs") or {}).items():
        if "Value" in output:  # an Fn::If may give an output AWS::NoValue
            result.outputs[name] = resolve(output["Value"], values)
    return result


def _as_deployed(
    stack: StackTemplate, environment: Environment
) -> tuple[StackTemplate, dict[str, str]]:
    """The stack with its conditions applied, and the resources they leave out."""
    values = _StackValues(stack, environment, {})
    conditions = evaluate_conditions(stack.body.get("Conditions"), values, str(stack.path))
    deployed = apply_to_template(stack.body, conditions, str(stack.path))
    return dataclasses.replace(stack, body=deployed.body), dict(deployed.skipped)


def provision_root(
    root_template: Path, environment: Environment, topology: Topology, overrides: Mapping[str, str]
) -> list[ProvisionedStack]:
    """Provision every nested application of the root template, in dependency order."""
    declared = load_template(root_template)
    parameters = parameter_values(declared, overrides, root_template)
    pseudo = {"AWS::Region": environment.region, "AWS::AccountId": environment.account_id}
    body = apply_root_conditions(root_template, declared, parameters, pseudo).body
    stacks: list[ProvisionedStack] = []
    outputs_of: dict[str, dict[str, Any]] = {}
    for application in nested_applications(root_template, body):
        stack = load_nested(
            parameters, pseudo, outputs_of, application, body.get("Parameters") or {}
        )
        provisioned = provision_stack(stack, environment, topology)
        outputs_of[application.logical_id] = provisioned.outputs
        stacks.append(provisioned)
    return stacks
