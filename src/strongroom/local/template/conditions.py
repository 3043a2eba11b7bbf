"""Evaluate a template's ``Conditions`` section to one truth per condition.

As CloudFormation does, a condition is built from ``Fn::Equals``, ``Fn::Not``, ``Fn::And``,
``Fn::Or`` and ``{"Condition": name}`` (another condition); the values compared may use
parameters, pseudo parameters and the value functions (``Join``, ``Select``, ``Split``,
``Sub``...). Errors name the template, the condition and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strongroom.local.template.intrinsics import TemplateError, ValueSource, resolve

_MIN_OPERANDS, _MAX_OPERANDS = 2, 10  # Fn::And / Fn::Or, as CloudFormation allows


def evaluate_conditions(
    declared: Mapping[str, Any] | None, values: ValueSource, where: str
) -> dict[str, bool]:
    """Every declared condition's truth; ``where`` (the template) begins every error."""
    declared = declared or {}
    if not isinstance(declared, Mapping):
        raise TemplateError(f"{where}: Conditions must be a mapping of names to conditions")
    evaluator = _Evaluator(declared, _ParametersOnly(values), where)
    return {name: evaluator.truth(name, ()) for name in declared}


class _ParametersOnly:
    """What a condition may read: parameters and pseudo parameters, never resources."""

    def __init__(self, values: ValueSource) -> None:
        self._values = values

    def ref(self, name: str) -> Any:
        try:
            return self._values.ref(name)
        except TemplateError:
            raise TemplateError(
                f"Ref {name}: a condition may use only parameters and pseudo parameters"
            ) from None

    def get_att(self, resource: str, attribute: str) -> Any:
        raise TemplateError(f"GetAtt {resource}.{attribute}: a condition cannot use resources")


class _Evaluator:
    def __init__(self, declared: Mapping[str, Any], values: ValueSource, where: str) -> None:
        self._declared = declared
        self._values = values
        self._where = where
        self._known: dict[str, bool] = {}

    def truth(self, name: str, chain: tuple[str, ...]) -> bool:
        if name in self._known:
            return self._known[name]
        if name in chain:
            cycle = " -> ".join((*chain[chain.index(name) :], name))
            raise TemplateError(
                f"{self._where}: conditions refer to each other in a cycle: {cycle}"
            )
        if name not in self._declared:
            used_by = f"condition {chain[-1]}" if chain else "the template"
            raise TemplateError(f"{self._where}: {used_by} refers to unknown condition {name!r}")
        value = self._function(self._declared[name], name, (*chain, name))
        self._known[name] = value
        return value

    def _function(self, value: Any, name: str, chain: tuple[str, ...]) -> bool:
        if not isinstance(value, Mapping) or len(value) != 1:
            raise self._error(
                name, "a condition is one of Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition"
            )
        ((function, argument),) = value.items()
        if function == "Condition":
            if not isinstance(argument, str):
                raise self._error(name, "Condition takes the name of another condition")
            return self.truth(argument, chain)
        if function == "Fn::Equals":
            left, right = self._operands(function, argument, name, 2, 2)
            return bool(
                _comparable(self._resolve(left, name)) == _comparable(self._resolve(right, name))
            )
        if function == "Fn::Not":
            (operand,) = self._operands(function, argument, name, 1, 1)
            return not self._function(operand, name, chain)
        if function in ("Fn::And", "Fn::Or"):
            operands = self._operands(function, argument, name, _MIN_OPERANDS, _MAX_OPERANDS)
            truths = [self._function(operand, name, chain) for operand in operands]  # all checked
            return all(truths) if function == "Fn::And" else any(truths)
        raise self._error(name, f"{function} cannot be used in a condition")

    def _operands(self, function: str, argument: Any, name: str, low: int, high: int) -> list[Any]:
        if not isinstance(argument, list) or not low <= len(argument) <= high:
            count = str(low) if low == high else f"{low} to {high}"
            raise self._error(name, f"{function} takes a list of {count} items")
        return argument

    def _resolve(self, value: Any, name: str) -> Any:
        try:
            return resolve(value, self._values)
        except TemplateError as error:
            raise self._error(name, str(error)) from None

    def _error(self, name: str, rule: str) -> TemplateError:
        return TemplateError(f"{self._where}: condition {name}: {rule}")


def _comparable(value: Any) -> Any:
    """CloudFormation compares strings: YAML's ``true`` and ``1`` equal ``"true"`` and ``"1"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, int | float):
        return str(value)
    return value
