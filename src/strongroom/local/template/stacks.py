"""Find the stacks to run: the root template and the nested applications it points to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strongroom.local.template.conditional import ConditionalTemplate, apply_to_template
from strongroom.local.template.conditions import evaluate_conditions
from strongroom.local.template.intrinsics import TemplateError, references, resolve
from strongroom.local.template.yaml_loader import load_template

NESTED_APPLICATION = "AWS::Serverless::Application"


@dataclass
class StackTemplate:
    """One deployable template with the parameter values it is launched with."""

    system: str
    path: Path
    body: dict[str, Any]
    parameters: dict[str, str] = field(default_factory=dict)

    @property
    def stack_name(self) -> str:
        return "strongroom-" + self.system.replace("_", "-")

    @property
    def resources(self) -> dict[str, Any]:
        resources = self.body.get("Resources") or {}
        if not isinstance(resources, dict):
            raise TemplateError(f"{self.path}: Resources must be a mapping")
        return resources


def parameter_values(
    body: Mapping[str, Any], given: Mapping[str, Any], path: Path
) -> dict[str, str]:
    """Defaults overlaid with given values; a parameter with neither is an error."""
    values: dict[str, str] = {}
    declared = body.get("Parameters") or {}
    for name, declaration in declared.items():
        if name in given:
            values[name] = _as_parameter(given[name])
        elif "Default" in declaration:
            values[name] = _as_parameter(declaration["Default"])
        else:
            raise TemplateError(f"{path}: parameter {name} has no value and no Default")
    return values


def _as_parameter(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def parameter_reference(declarations: Mapping[str, Any], name: str, value: str) -> Any:
    """What ``Ref`` of a parameter gives: a list for list types, as CloudFormation does."""
    kind = str((declarations.get(name) or {}).get("Type", "String"))
    if kind == "CommaDelimitedList" or kind.startswith("List<"):
        return [item.strip() for item in value.split(",")] if value else []
    return value


class _RootValues:
    """Values visible to the root template while it resolves nested applications' parameters."""

    def __init__(
        self,
        parameters: Mapping[str, str],
        pseudo: Mapping[str, str],
        declarations: Mapping[str, Any],
    ) -> None:
        self._parameters = parameters
        self._pseudo = pseudo
        self._declarations = declarations
        self.outputs: dict[str, Mapping[str, Any]] = {}

    def ref(self, name: str) -> Any:
        if name in self._parameters:
            return parameter_reference(self._declarations, name, self._parameters[name])
        if name in self._pseudo:
            return self._pseudo[name]
        raise TemplateError(f"root template: Ref {name} names no parameter")

    def get_att(self, resource: str, attribute: str) -> Any:
        prefix = "Outputs."
        if resource in self.outputs and attribute.startswith(prefix):
            return self.outputs[resource][attribute[len(prefix) :]]
        raise TemplateError(f"root template: GetAtt {resource}.{attribute} is not available")


def apply_root_conditions(
    root: Path, body: Mapping[str, Any], parameters: Mapping[str, str], pseudo: Mapping[str, str]
) -> ConditionalTemplate:
    """The root template as deployed: its conditions decide which applications it nests and
    which parameters it passes them."""
    values = _RootValues(parameters, pseudo, body.get("Parameters") or {})
    conditions = evaluate_conditions(body.get("Conditions"), values, str(root))
    return apply_to_template(body, conditions, str(root))


@dataclass
class NestedApplication:
    logical_id: str
    template: Path
    parameters: Mapping[str, Any]
    depends_on: set[str]


def nested_applications(root: Path, body: Mapping[str, Any]) -> list[NestedApplication]:
    """The root's nested applications in an order where each comes after those it uses."""
    found: dict[str, NestedApplication] = {}
    for logical_id, resource in (body.get("Resources") or {}).items():
        if resource.get("Type") != NESTED_APPLICATION:
            raise TemplateError(
                f"{root}: {logical_id} is {resource.get('Type')}; "
                "the root template only nests applications"
            )
        properties = resource.get("Properties") or {}
        location = properties.get("Location")
        if not isinstance(location, str):
            raise TemplateError(f"{root}: {logical_id}.Location must be a relative template path")
        parameters = properties.get("Parameters") or {}
        depends = references(parameters) | depends_on(resource)
        found[logical_id] = NestedApplication(
            logical_id,
            (root.parent / location).resolve(),
            parameters,
            depends & set((body.get("Resources") or {}).keys()),
        )
    needs = {logical_id: app.depends_on for logical_id, app in found.items()}
    cycle = "nested applications depend on each other in a cycle"
    return [found[logical_id] for logical_id in dependency_order(needs, cycle)]


def depends_on(resource: Mapping[str, Any]) -> set[str]:
    """The resource's DependsOn: one name or a list of them."""
    value = resource.get("DependsOn") or []
    return {value} if isinstance(value, str) else set(value)


def dependency_order(needs: Mapping[str, set[str]], cycle: str) -> list[str]:
    """Every name after the names it needs, ties in alphabetical order; ``cycle`` begins the
    error raised when no such order exists."""
    ordered: list[str] = []
    pending = dict(needs)
    while pending:
        ready = sorted(name for name, wanted in pending.items() if wanted <= set(ordered))
        if not ready:
            raise TemplateError(f"{cycle}: {sorted(pending)}")
        ordered.extend(ready)
        for name in ready:
            del pending[name]
    return ordered


def system_name(template: Path) -> str:
    """A nested template lives in its system's package folder: that folder names the system."""
    return template.parent.name


def load_nested(
    root_parameters: Mapping[str, str],
    pseudo: Mapping[str, str],
    outputs_of: Mapping[str, Mapping[str, Any]],
    application: NestedApplication,
    root_declarations: Mapping[str, Any],
) -> StackTemplate:
    """Load one nested application's template with its parameters resolved by the root."""
    values = _RootValues(root_parameters, pseudo, root_declarations)
    values.outputs.update(outputs_of)
    given = resolve(dict(application.parameters), values)
    body = load_template(application.template)
    return StackTemplate(
        system=system_name(application.template),
        path=application.template,
        body=body,
        parameters=parameter_values(body, given, application.template),
    )
