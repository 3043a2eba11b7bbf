"""Template conditions: evaluation, Fn::If, AWS::NoValue, conditional resources and outputs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.local.template.conditional import apply_conditions, apply_to_template
from strongroom.local.template.conditions import evaluate_conditions
from strongroom.local.template.intrinsics import TemplateError, resolve
from strongroom.local.template.stacks import parameter_reference
from strongroom.local.template.yaml_loader import load_template

WHERE = "trigger_archive/template.yaml"

TEMPLATE = """
Parameters:
  VpcSubnetIds: {Type: CommaDelimitedList, Default: ""}
  BucketName: {Type: String, Default: ""}
  ScheduleState: {Type: String, Default: "on"}
Conditions:
  HasVpc: !Not [!Equals [!Join ["", !Ref VpcSubnetIds], ""]]
  HasBucketName: !Not [!Equals [!Ref BucketName, ""]]
  ScheduleEnabled: !Equals [!Ref ScheduleState, "on"]
  VpcAndName: !And [!Condition HasVpc, !Condition HasBucketName]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !If [HasBucketName, !Ref BucketName, !Ref AWS::NoValue]
      Tags:
        - {Key: a, Value: "1"}
        - !If [HasVpc, {Key: vpc, Value: "yes"}, !Ref AWS::NoValue]
  Function:
    Type: AWS::Serverless::Function
    Properties:
      VpcConfig: !If
        - HasVpc
        - SubnetIds: !Ref VpcSubnetIds
        - !Ref AWS::NoValue
      Events:
        Daily:
          Type: ScheduleV2
          Properties:
            State: !If [ScheduleEnabled, ENABLED, DISABLED]
  VpcOnly:
    Type: AWS::SQS::Queue
    Condition: HasVpc
Outputs:
  BucketName:
    Value: !Ref Bucket
  VpcQueue:
    Condition: HasVpc
    Value: !Ref VpcOnly
  Queue:
    Value: !If [HasVpc, !Ref VpcOnly, none]
"""


class Parameters:
    """Ref of the template's parameters, as the provisioner gives them."""

    def __init__(self, declarations: Mapping[str, Any], values: Mapping[str, str]) -> None:
        self._declarations = declarations
        self._values = {
            name: values.get(name, str(declaration.get("Default", "")))
            for name, declaration in declarations.items()
        }

    def ref(self, name: str) -> Any:
        if name not in self._values:
            raise TemplateError(f"Ref {name} names no parameter")
        return parameter_reference(self._declarations, name, self._values[name])

    def get_att(self, resource: str, attribute: str) -> Any:
        raise TemplateError(f"GetAtt {resource}.{attribute} in a condition")


def _body(tmp_path: Path, text: str = TEMPLATE) -> dict[str, Any]:
    path = tmp_path / "template.yaml"
    path.write_text(text)
    return load_template(path)


def _deployed(tmp_path: Path, **parameters: str) -> Any:
    body = _body(tmp_path)
    values = Parameters(body["Parameters"], parameters)
    conditions = evaluate_conditions(body["Conditions"], values, WHERE)
    return apply_to_template(body, conditions, WHERE)


def test_short_forms_become_the_long_condition_functions(tmp_path: Path) -> None:
    body = _body(tmp_path)

    assert body["Conditions"]["HasVpc"] == {
        "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "VpcSubnetIds"}]}, ""]}]
    }
    assert body["Conditions"]["VpcAndName"] == {
        "Fn::And": [{"Condition": "HasVpc"}, {"Condition": "HasBucketName"}]
    }
    assert body["Resources"]["Bucket"]["Properties"]["BucketName"] == {
        "Fn::If": ["HasBucketName", {"Ref": "BucketName"}, {"Ref": "AWS::NoValue"}]
    }


def test_with_the_defaults_optional_properties_and_resources_are_left_out(
    tmp_path: Path,
) -> None:
    deployed = _deployed(tmp_path)
    resources = deployed.body["Resources"]

    assert resources["Bucket"]["Properties"] == {"Tags": [{"Key": "a", "Value": "1"}]}
    assert "VpcConfig" not in resources["Function"]["Properties"]
    schedule = resources["Function"]["Properties"]["Events"]["Daily"]["Properties"]
    assert schedule == {"State": "ENABLED"}
    assert "VpcOnly" not in resources
    assert deployed.skipped == {"VpcOnly": "HasVpc"}
    assert set(deployed.body["Outputs"]) == {"BucketName", "Queue"}
    assert deployed.body["Outputs"]["Queue"] == {"Value": "none"}


def test_given_values_switch_the_conditions_on(tmp_path: Path) -> None:
    deployed = _deployed(
        tmp_path, VpcSubnetIds="subnet-1,subnet-2", BucketName="given", ScheduleState="off"
    )
    resources = deployed.body["Resources"]

    assert resources["Bucket"]["Properties"]["BucketName"] == {"Ref": "BucketName"}
    assert resources["Bucket"]["Properties"]["Tags"][1] == {"Key": "vpc", "Value": "yes"}
    assert resources["Function"]["Properties"]["VpcConfig"] == {
        "SubnetIds": {"Ref": "VpcSubnetIds"}
    }
    schedule = resources["Function"]["Properties"]["Events"]["Daily"]["Properties"]
    assert schedule == {"State": "DISABLED"}
    assert resources["VpcOnly"] == {"Type": "AWS::SQS::Queue"}  # the attribute is consumed
    assert deployed.skipped == {}
    assert deployed.body["Outputs"]["VpcQueue"] == {"Value": {"Ref": "VpcOnly"}}


def test_a_condition_may_use_another_one(tmp_path: Path) -> None:
    body = _body(tmp_path)
    both = Parameters(body["Parameters"], {"VpcSubnetIds": "s", "BucketName": "b"})
    one = Parameters(body["Parameters"], {"VpcSubnetIds": "s"})

    assert evaluate_conditions(body["Conditions"], both, WHERE)["VpcAndName"] is True
    assert evaluate_conditions(body["Conditions"], one, WHERE)["VpcAndName"] is False


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [(True, "true", True), (1, "1", True), ("a", "b", False), (["a"], ["a"], True)],
)
def test_equals_compares_as_cloudformation_does(left: Any, right: Any, equal: bool) -> None:
    conditions = {"C": {"Fn::Equals": [left, right]}}

    assert evaluate_conditions(conditions, Parameters({}, {}), WHERE) == {"C": equal}


@pytest.mark.parametrize(
    ("section", "entry"),
    [
        ("Outputs", {"Value": {"Ref": "VpcOnly"}}),
        ("Resources", {"Type": "AWS::SQS::Queue", "DependsOn": ["VpcOnly"]}),
        ("Globals", {"Environment": {"Variables": {"Q": {"Fn::GetAtt": ["VpcOnly", "Arn"]}}}}),
    ],
)
def test_a_template_using_a_resource_its_condition_leaves_out_is_refused(
    tmp_path: Path, section: str, entry: dict[str, Any]
) -> None:
    body = _body(tmp_path)
    body.setdefault(section, {})["Direct"] = entry
    conditions = evaluate_conditions(body["Conditions"], Parameters(body["Parameters"], {}), WHERE)

    with pytest.raises(TemplateError, match=f"{WHERE}: Direct refers to VpcOnly.*HasVpc"):
        apply_to_template(body, conditions, WHERE)


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"A": {"Condition": "Missing"}}, "condition A refers to unknown condition 'Missing'"),
        (
            {"A": {"Condition": "B"}, "B": {"Fn::Not": [{"Condition": "A"}]}},
            "cycle: A -> B -> A",
        ),
        ({"A": {"Fn::Equals": ["a", "b", "c"]}}, "condition A: Fn::Equals takes a list of 2"),
        (
            {
                "A": {"Fn::Not": [{"Condition": "B"}, {"Condition": "B"}]},
                "B": {"Fn::Equals": [1, 1]},
            },
            "condition A: Fn::Not takes a list of 1 items",
        ),
        (
            {"A": {"Fn::And": [{"Fn::Equals": [1, 1]}]}},
            "condition A: Fn::And takes a list of 2 to 10",
        ),
        (
            {"A": {"Fn::Or": [{"Fn::Equals": [1, 1]}] * 11}},
            "condition A: Fn::Or takes a list of 2 to 10",
        ),
        ({"A": {"Fn::If": ["B", 1, 2]}}, "condition A: Fn::If cannot be used in a condition"),
        ({"A": "yes"}, "condition A: a condition is one of"),
        (
            {"A": {"Fn::Equals": [{"Fn::GetAtt": ["Queue", "Arn"]}, "x"]}},
            "condition A: GetAtt Queue.Arn: a condition cannot use resources",
        ),
        (
            {"A": {"Fn::Equals": [{"Ref": "Nope"}, "x"]}},
            "condition A: Ref Nope: a condition may use only parameters and pseudo parameters",
        ),
    ],
)
def test_condition_errors_name_the_template_the_condition_and_the_rule(
    conditions: dict[str, Any], message: str
) -> None:
    with pytest.raises(TemplateError, match=f"^{WHERE}: .*{message}"):
        evaluate_conditions(conditions, Parameters({}, {}), WHERE)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"Fn::If": ["Unknown", 1, 2]}, "unknown condition 'Unknown' \\(known: Yes\\)"),
        (
            {"Fn::If": ["Yes", 1]},
            "Fn::If takes \\[condition name, value if true, value if false\\]",
        ),
    ],
)
def test_fn_if_errors_name_the_condition_and_the_rule(value: Any, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        apply_conditions({"Key": value}, {"Yes": True}, WHERE)


def test_a_resource_naming_an_unknown_condition_is_refused(tmp_path: Path) -> None:
    body = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Condition": "Nope"}}}

    with pytest.raises(TemplateError, match=f"{WHERE}: Queue: unknown condition 'Nope'"):
        apply_to_template(body, {}, WHERE)


def test_policy_conditions_inside_properties_are_left_alone() -> None:
    statement = {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}

    assert apply_conditions({"Statement": [statement]}, {}, WHERE) == {"Statement": [statement]}


# Property tests -----------------------------------------------------------------------------

LEAVES = {"T": True, "F": False}


def _tree() -> st.SearchStrategy[tuple[Any, bool]]:
    """A random condition with the truth Python's boolean operators give it."""
    leaf = st.sampled_from(sorted(LEAVES)).map(lambda name: ({"Condition": name}, LEAVES[name]))
    equals = st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["a", "b"])).map(
        lambda pair: ({"Fn::Equals": list(pair)}, pair[0] == pair[1])
    )

    def extend(children: st.SearchStrategy[tuple[Any, bool]]) -> st.SearchStrategy[Any]:
        negated = children.map(lambda c: ({"Fn::Not": [c[0]]}, not c[1]))
        many = st.lists(children, min_size=2, max_size=10)
        both = many.map(lambda cs: ({"Fn::And": [c[0] for c in cs]}, all(c[1] for c in cs)))
        either = many.map(lambda cs: ({"Fn::Or": [c[0] for c in cs]}, any(c[1] for c in cs)))
        return negated | both | either

    return st.recursive(leaf | equals, extend, max_leaves=12)


@given(_tree())
def test_conditions_agree_with_boolean_logic(tree: tuple[Any, bool]) -> None:
    condition, truth = tree
    declared = {
        "T": {"Fn::Equals": ["x", "x"]},
        "F": {"Fn::Equals": ["x", "y"]},
        "Tree": condition,
    }

    assert evaluate_conditions(declared, Parameters({}, {}), WHERE)["Tree"] is truth


_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
_CONDITIONAL = st.recursive(
    _PLAIN,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=5), children, max_size=4)
        | st.just({"Ref": "AWS::NoValue"})
        | st.tuples(st.sampled_from(["Yes", "No"]), children, children).map(
            lambda args: {"Fn::If": list(args)}
        )
    ),
    max_leaves=20,
)


def _mentions(value: Any, key: str) -> bool:
    if isinstance(value, list):
        return any(_mentions(item, key) for item in value)
    if isinstance(value, dict):
        return value.get("Ref") == key or any(
            k == key or _mentions(item, key) for k, item in value.items()
        )
    return False


@given(_PLAIN)
def test_a_value_without_conditions_is_unchanged(value: Any) -> None:
    assert apply_conditions(value, {"Yes": True}, WHERE) == value


@given(_CONDITIONAL)
def test_no_fn_if_or_no_value_survives(value: Any) -> None:
    applied = apply_conditions(value, {"Yes": True, "No": False}, WHERE)

    assert not _mentions(applied, "Fn::If")
    assert not _mentions(applied, "AWS::NoValue")


def test_decided_values_still_resolve_their_intrinsics() -> None:
    value = {"Fn::Join": ["-", [{"Fn::If": ["Yes", "a", {"Ref": "AWS::NoValue"}]}, "b"]]}

    assert resolve(apply_conditions(value, {"Yes": False}, WHERE), Parameters({}, {})) == "b"
