"""The root template's conditions decide which applications it nests and what they receive."""

from __future__ import annotations

from pathlib import Path

from strongroom.local.template.stacks import (
    apply_root_conditions,
    load_nested,
    nested_applications,
    parameter_values,
)
from strongroom.local.template.yaml_loader import load_template

ROOT = """
Parameters:
  VpcSubnetIds: {Type: CommaDelimitedList, Default: ""}
  WithExtras: {Type: String, Default: "no"}
Conditions:
  HasVpc: !Not [!Equals [!Join ["", !Ref VpcSubnetIds], ""]]
  Extras: !Equals [!Ref WithExtras, "yes"]
Resources:
  Archive:
    Type: AWS::Serverless::Application
    Properties:
      Location: archive/template.yaml
      Parameters:
        VpcSubnetIds: !If [HasVpc, !Ref VpcSubnetIds, !Ref AWS::NoValue]
        Mode: !If [HasVpc, private, public]
  Extras:
    Type: AWS::Serverless::Application
    Condition: Extras
    Properties:
      Location: extras/template.yaml
      Parameters:
        Mode: extra
"""
NESTED = """
Parameters:
  VpcSubnetIds: {Type: CommaDelimitedList, Default: "subnet-default"}
  Mode: {Type: String}
Resources: {}
"""
PSEUDO = {"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012"}


def _root(tmp_path: Path) -> Path:
    for system in ("archive", "extras"):
        (tmp_path / system).mkdir()
        (tmp_path / system / "template.yaml").write_text(NESTED)
    root = tmp_path / "template.yaml"
    root.write_text(ROOT)
    return root


def _nested(tmp_path: Path, given: dict[str, str]) -> dict[str, dict[str, str]]:
    root = _root(tmp_path)
    declared = load_template(root)
    parameters = parameter_values(declared, given, root)
    body = apply_root_conditions(root, declared, parameters, PSEUDO).body
    return {
        application.logical_id: load_nested(
            parameters, PSEUDO, {}, application, declared["Parameters"]
        ).parameters
        for application in nested_applications(root, body)
    }


def test_with_defaults_the_conditional_application_is_not_nested(tmp_path: Path) -> None:
    nested = _nested(tmp_path, {})

    assert set(nested) == {"Archive"}
    assert nested["Archive"] == {"VpcSubnetIds": "subnet-default", "Mode": "public"}


def test_a_list_parameter_passes_through_to_the_nested_stack(tmp_path: Path) -> None:
    nested = _nested(tmp_path, {"VpcSubnetIds": "subnet-a,subnet-b", "WithExtras": "yes"})

    assert set(nested) == {"Archive", "Extras"}
    assert nested["Archive"] == {"VpcSubnetIds": "subnet-a,subnet-b", "Mode": "private"}
    assert nested["Extras"] == {"VpcSubnetIds": "subnet-default", "Mode": "extra"}
