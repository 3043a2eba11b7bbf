"""Every template is secure by default: explicit least-privilege roles, no open endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from strongroom.local.template.yaml_loader import load_template

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((REPO / "src" / "strongroom").glob("*/template.yaml"))


def _resources(path: Path) -> dict[str, Any]:
    resources: dict[str, Any] = load_template(path)["Resources"]
    return resources


# Actions IAM authorises only on Resource "*" (no resource-level permissions exist for them).
ONLY_ON_ALL_RESOURCES = frozenset({"ecr:GetAuthorizationToken"})


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _branches(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """A statement, or both branches of an ``Fn::If`` that grants one only under a condition."""
    if "Fn::If" not in statement:
        return [statement]
    _, chosen, otherwise = statement["Fn::If"]
    return [branch for branch in (chosen, otherwise) if branch != {"Ref": "AWS::NoValue"}]


def _statements(path: Path) -> list[dict[str, Any]]:
    found = []
    for resource in _resources(path).values():
        if resource["Type"] in ("AWS::IAM::Role",):
            for policy in resource["Properties"].get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    found.extend(_branches(statement))
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            found.extend(resource["Properties"]["PolicyDocument"]["Statement"])
    return found


def test_there_are_system_templates() -> None:
    assert TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.parent.name)
def test_functions_use_an_explicit_role_of_the_same_template(path: Path) -> None:
    resources = _resources(path)
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        role = properties.get("Role")
        assert isinstance(role, dict), f"{name}: give it an explicit Role (SAM's policies use '*')"
        assert resources[role["Fn::GetAtt"][0]]["Type"] == "AWS::IAM::Role"
        assert "Policies" not in properties, f"{name}: permissions belong on its Role"
        assert "FunctionUrlConfig" not in properties, f"{name}: no unauthenticated function URLs"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.parent.name)
def test_no_statement_grants_wildcard_actions_or_resources(path: Path) -> None:
    statements = _statements(path)
    for statement in statements:
        for action in _as_list(statement["Action"]):
            assert "*" not in action, f"{path.parent.name}: wildcard action {action}"
        if set(_as_list(statement["Action"])) <= ONLY_ON_ALL_RESOURCES:
            continue
        for resource in _as_list(statement.get("Resource", [])):
            assert resource != "*", f"{path.parent.name}: Resource '*' in {statement}"
