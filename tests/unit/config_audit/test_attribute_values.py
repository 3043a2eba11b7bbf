"""Semantic equality of DynamoDB wire-form values, and what counts as well-formed."""

from __future__ import annotations

from typing import Any

import pytest

from strongroom.config_audit.domain.attribute_values import check_attribute_value, same_value

EQUAL_VALUES = [
    pytest.param({"S": "a"}, {"S": "a"}, id="S"),
    pytest.param({"N": "3600"}, {"N": "3600"}, id="N"),
    pytest.param({"N": "1.0"}, {"N": "1"}, id="N trailing zero"),
    pytest.param({"N": "1E+2"}, {"N": "100"}, id="N exponent"),
    pytest.param({"N": "-0"}, {"N": "0"}, id="N negative zero"),
    pytest.param(
        {"N": "12345678901234567890123456789012345678"},
        {"N": "12345678901234567890123456789012345678.000"},
        id="N 38 digits",
    ),
    pytest.param({"B": "AAEC"}, {"B": "AAEC"}, id="B"),
    pytest.param({"BOOL": True}, {"BOOL": True}, id="BOOL"),
    pytest.param({"NULL": True}, {"NULL": True}, id="NULL"),
    pytest.param({"SS": ["a", "b"]}, {"SS": ["b", "a"]}, id="SS order"),
    pytest.param({"NS": ["1", "2.5"]}, {"NS": ["2.50", "1.0"]}, id="NS order and form"),
    pytest.param({"BS": ["AAEC", "3q2+7w=="]}, {"BS": ["3q2+7w==", "AAEC"]}, id="BS order"),
    pytest.param({"L": [{"N": "1"}, {"S": "x"}]}, {"L": [{"N": "1.00"}, {"S": "x"}]}, id="L"),
    pytest.param(
        {"M": {"a": {"N": "1"}, "b": {"SS": ["x", "y"]}}},
        {"M": {"b": {"SS": ["y", "x"]}, "a": {"N": "1.0"}}},
        id="M nested",
    ),
]

DIFFERENT_VALUES = [
    pytest.param({"S": "a"}, {"S": "A"}, id="S case"),
    pytest.param({"N": "3600"}, {"N": "1800"}, id="N"),
    pytest.param(
        {"N": "12345678901234567890123456789012345678"},
        {"N": "12345678901234567890123456789012345679"},
        id="N last of 38 digits",
    ),
    pytest.param({"N": "0.1"}, {"N": "0.10000000000000001"}, id="N beyond float precision"),
    pytest.param({"N": "1"}, {"S": "1"}, id="N to S"),
    pytest.param({"S": "true"}, {"BOOL": True}, id="S to BOOL"),
    pytest.param({"NULL": True}, {"BOOL": False}, id="NULL to BOOL"),
    pytest.param({"B": "AAEC"}, {"B": "AAED"}, id="B"),
    pytest.param({"B": "AAEC"}, {"S": "AAEC"}, id="B to S"),
    pytest.param({"BOOL": True}, {"BOOL": False}, id="BOOL"),
    pytest.param({"SS": ["a"]}, {"SS": ["a", "b"]}, id="SS member added"),
    pytest.param({"SS": ["1"]}, {"NS": ["1"]}, id="SS to NS"),
    pytest.param({"NS": ["1", "2"]}, {"NS": ["1", "3"]}, id="NS"),
    pytest.param({"BS": ["AAEC"]}, {"BS": ["AAED"]}, id="BS"),
    pytest.param({"L": [{"S": "a"}, {"S": "b"}]}, {"L": [{"S": "b"}, {"S": "a"}]}, id="L order"),
    pytest.param({"L": [{"S": "a"}]}, {"SS": ["a"]}, id="L to SS"),
    pytest.param(
        {"M": {"a": {"M": {"b": {"N": "1"}}}}},
        {"M": {"a": {"M": {"b": {"N": "2"}}}}},
        id="M deep change",
    ),
    pytest.param({"M": {"a": {"S": "x"}}}, {"M": {}}, id="M member removed"),
    pytest.param({"M": {}}, {"L": []}, id="M to L"),
]


@pytest.mark.parametrize(("left", "right"), EQUAL_VALUES)
def test_equal_values_are_the_same_both_ways(left: dict[str, Any], right: dict[str, Any]) -> None:
    assert same_value(left, right)
    assert same_value(right, left)


@pytest.mark.parametrize(("left", "right"), DIFFERENT_VALUES)
def test_different_values_differ_both_ways(left: dict[str, Any], right: dict[str, Any]) -> None:
    assert not same_value(left, right)
    assert not same_value(right, left)


def test_an_absent_attribute_is_only_the_same_as_absent() -> None:
    assert same_value(None, None)
    assert not same_value(None, {"NULL": True})
    assert not same_value({"S": ""}, None)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"S": "x"}, id="S"),
        pytest.param({"N": "-1.5E-3"}, id="N"),
        pytest.param({"SS": []}, id="empty set"),
        pytest.param({"M": {"a": {"L": [{"NULL": True}, {"BS": ["AAEC"]}]}}}, id="nested"),
    ],
)
def test_well_formed_values_pass_unchanged(value: dict[str, Any]) -> None:
    assert check_attribute_value(value) is value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param({}, "exactly one type key", id="no type"),
        pytest.param({"S": "a", "N": "1"}, "exactly one type key", id="two types"),
        pytest.param({"X": "a"}, "unknown AttributeValue type 'X'", id="unknown type"),
        pytest.param({"S": 1}, "expected a string", id="S not a string"),
        pytest.param({"N": 3600}, "expected a string", id="N as a JSON number"),
        pytest.param({"N": "twelve"}, "not a DynamoDB number", id="N not numeric"),
        pytest.param({"N": "NaN"}, "not a DynamoDB number", id="N NaN"),
        pytest.param({"N": "Infinity"}, "not a DynamoDB number", id="N infinite"),
        pytest.param({"B": "not base64!"}, "base64", id="B not base64"),
        pytest.param({"BOOL": "true"}, "BOOL must be true or false", id="BOOL as string"),
        pytest.param({"NULL": False}, "NULL must be true", id="NULL false"),
        pytest.param({"M": []}, "M must be an object", id="M not an object"),
        pytest.param({"L": {}}, "expected a list", id="L not a list"),
        pytest.param({"SS": ["a", 1]}, "expected a string", id="SS member"),
        pytest.param({"NS": ["1", "x"]}, "not a DynamoDB number", id="NS member"),
        pytest.param({"M": {"a": {"Z": 1}}}, "unknown AttributeValue type 'Z'", id="nested"),
    ],
)
def test_malformed_values_are_rejected_with_the_reason(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_attribute_value(value)


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"S": "bottom"}
    for level in range(levels):
        value = {"M": {"a": value}} if level % 2 else {"L": [value]}
    return value


def test_maps_and_lists_nest_as_deep_as_dynamodb_allows() -> None:
    assert check_attribute_value(_nested(32)) == _nested(32)


@pytest.mark.parametrize("levels", [33, 5_000])
def test_deeper_nesting_is_malformed_naming_the_limit(levels: int) -> None:
    with pytest.raises(ValueError, match="nest at most 32 levels deep"):
        check_attribute_value(_nested(levels))
