"""Template reading: short-form tags, intrinsic resolution, provisioning order, Globals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from strongroom.local.provision.model import function_name_of
from strongroom.local.provision.provisioner import _with_globals, resource_order
from strongroom.local.template.intrinsics import TemplateError, references, resolve
from strongroom.local.template.stacks import StackTemplate, nested_applications, parameter_values
from strongroom.local.template.yaml_loader import load_template

REPO = Path(__file__).resolve().parents[3]


class Values:
    def ref(self, name: str) -> Any:
        return {"Table": "Audit", "AWS::Region": "eu-west-1", "Prefix": "dev-"}[name]

    def get_att(self, resource: str, attribute: str) -> Any:
        return f"arn:{resource}:{attribute}"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(text)
    return path


def test_short_form_tags_become_long_form(tmp_path: Path) -> None:
    body = load_template(
        _write(
            tmp_path,
            "A: !Ref Table\nB: !GetAtt Table.StreamArn\nC: !Sub '${Prefix}x'\n"
            "D: !Join [',', [a, !Ref Table]]\n",
        )
    )

    assert body == {
        "A": {"Ref": "Table"},
        "B": {"Fn::GetAtt": ["Table", "StreamArn"]},
        "C": {"Fn::Sub": "${Prefix}x"},
        "D": {"Fn::Join": [",", ["a", {"Ref": "Table"}]]},
    }


def test_a_template_that_is_not_a_mapping_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be a YAML mapping"):
        load_template(_write(tmp_path, "- a\n- b\n"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Table"}, "Audit"),
        ({"Fn::GetAtt": ["Table", "Arn"]}, "arn:Table:Arn"),
        ({"Fn::GetAtt": "Table.Arn"}, "arn:Table:Arn"),
        ({"Fn::Sub": "${Prefix}audit_${AWS::Region}"}, "dev-audit_eu-west-1"),
        ({"Fn::Sub": "${Table.Arn}/index/*"}, "arn:Table:Arn/index/*"),
        ({"Fn::Sub": ["${Name}-${Prefix}", {"Name": {"Ref": "Table"}}]}, "Audit-dev-"),
        ({"Fn::Sub": "literal ${!NotAVariable}"}, "literal ${NotAVariable}"),
        ({"Fn::Join": ["/", ["a", {"Ref": "Table"}]]}, "a/Audit"),
        ({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}, "y"),
        ([{"Ref": "Table"}, {"K": {"Ref": "Prefix"}}], ["Audit", {"K": "dev-"}]),
    ],
)
def test_intrinsics_resolve(value: Any, expected: Any) -> None:
    assert resolve(value, Values()) == expected


def test_an_unsupported_intrinsic_names_itself() -> None:
    with pytest.raises(TemplateError, match="Fn::ImportValue is not supported"):
        resolve({"Fn::ImportValue": "x"}, Values())


def test_references_find_every_named_resource() -> None:
    value = {
        "A": {"Ref": "Queue"},
        "B": {"Fn::GetAtt": ["Table", "Arn"]},
        "C": {
            "Fn::Sub": ["${Local}-${Topic.TopicName}-${AWS::Region}", {"Local": {"Ref": "Bucket"}}]
        },
        "D": {"Ref": "Function.Alias"},
    }

    assert references(value) == {"Queue", "Table", "Topic", "AWS::Region", "Bucket", "Function"}


def test_resources_are_ordered_after_what_they_refer_to(tmp_path: Path) -> None:
    stack = StackTemplate(
        system="s",
        path=tmp_path / "t.yaml",
        body={
            "Resources": {
                "Alarm": {"Type": "X", "Properties": {"Q": {"Fn::GetAtt": ["Queue", "QueueName"]}}},
                "Queue": {"Type": "X", "Properties": {"R": {"Fn::GetAtt": ["Dlq", "Arn"]}}},
                "Dlq": {"Type": "X"},
                "Late": {"Type": "X", "DependsOn": "Alarm"},
            }
        },
    )

    assert resource_order(stack) == ["Dlq", "Queue", "Alarm", "Late"]


def test_what_globals_refer_to_comes_before_the_functions_they_apply_to(tmp_path: Path) -> None:
    table_ref = {"Variables": {"TABLE": {"Ref": "Table"}}}
    stack = StackTemplate(
        system="s",
        path=tmp_path / "t.yaml",
        body={
            "Globals": {"Function": {"Environment": table_ref}},
            "Resources": {
                "Function": {"Type": "AWS::Serverless::Function", "Properties": {}},
                "Table": {"Type": "AWS::DynamoDB::Table"},
            },
        },
    )

    assert resource_order(stack) == ["Table", "Function"]


def test_a_reference_cycle_is_reported(tmp_path: Path) -> None:
    stack = StackTemplate(
        system="s",
        path=tmp_path / "t.yaml",
        body={
            "Resources": {
                "A": {"Type": "X", "Properties": {"B": {"Ref": "B"}}},
                "B": {"Type": "X", "Properties": {"A": {"Ref": "A"}}},
            }
        },
    )

    with pytest.raises(TemplateError, match="cycle"):
        resource_order(stack)


def test_globals_are_defaults_and_environment_variables_merge(tmp_path: Path) -> None:
    stack = StackTemplate(
        system="s",
        path=tmp_path / "t.yaml",
        body={
            "Globals": {
                "Function": {
                    "Timeout": 10,
                    "Environment": {"Variables": {"LOG_LEVEL": "INFO", "A": "global"}},
                }
            }
        },
    )

    merged = _with_globals(
        stack,
        "AWS::Serverless::Function",
        {"Timeout": 30, "Environment": {"Variables": {"A": "own"}}},
    )

    assert merged == {
        "Timeout": 30,
        "Environment": {"Variables": {"LOG_LEVEL": "INFO", "A": "own"}},
    }


def test_parameters_take_given_values_then_defaults_and_require_one(tmp_path: Path) -> None:
    body = {"Parameters": {"A": {"Type": "String", "Default": ""}, "B": {"Type": "String"}}}

    assert parameter_values(body, {"B": "x"}, tmp_path) == {"A": "", "B": "x"}
    with pytest.raises(TemplateError, match="parameter B has no value"):
        parameter_values(body, {}, tmp_path)


def test_the_root_template_nests_every_system_template() -> None:
    root = REPO / "template.yaml"
    nested = {app.template for app in nested_applications(root, load_template(root))}
    system_templates = set((REPO / "src" / "strongroom").glob("*/template.yaml"))

    assert nested == {path.resolve() for path in system_templates}


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        ("audit_producer", "audit_producer"),
        ("audit_producer:learn", "audit_producer"),
        ("arn:aws:lambda:eu-west-1:123456789012:function:audit_producer", "audit_producer"),
        ("arn:aws:lambda:eu-west-1:123456789012:function:audit_producer:learn", "audit_producer"),
    ],
)
def test_function_references_name_the_function(reference: str, name: str) -> None:
    assert function_name_of(reference) == name
