"""Apply evaluated conditions to a template: what CloudFormation would deploy.

Resources and outputs whose ``Condition`` is false are left out, every ``Fn::If`` becomes its
chosen branch, and every mapping key or list item whose value is ``Ref: AWS::NoValue`` is
removed, so the provisioner only ever sees plain values and the remaining intrinsics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from strongroom.local.template.intrinsics import TemplateError, references

NO_VALUE = "AWS::NoValue"
_SECTIONS_WITH_VALUES = ("Globals", "Resources", "Outputs")


class _NoValue:
    """Marks a value that ``Ref: AWS::NoValue`` removed, until its container drops it."""


_REMOVED = _NoValue()


def apply_conditions(value: Any, conditions: Mapping[str, bool], where: str) -> Any:
    """``value`` with every ``Fn::If`` decided and every ``AWS::NoValue`` removed."""
    applied = _apply(value, conditions, where)
    return None if applied is _REMOVED else applied


def _apply(value: Any, conditions: Mapping[str, bool], where: str) -> Any:
    if isinstance(value, list):
        items = (_apply(item, conditions, where) for item in value)
        return [item for item in items if item is not _REMOVED]
    if not isinstance(value, dict):
        return value
    if value == {"Ref": NO_VALUE}:
        return _REMOVED
    if len(value) == 1 and "Fn::If" in value:
        return _apply(_branch(value["Fn::If"], conditions, where), conditions, where)
    applied = {key: _apply(item, conditions, where) for key, item in value.items()}
    return {key: item for key, item in applied.items() if item is not _REMOVED}


def _branch(argument: Any, conditions: Mapping[str, bool], where: str) -> Any:
    if not isinstance(argument, list) or len(argument) != 3 or not isinstance(argument[0], str):
        raise TemplateError(
            f"{where}: Fn::If takes [condition name, value if true, value if false], "
            f"got {argument!r}"
        )
    name, if_true, if_false = argument
    return if_true if condition_named(name, conditions, where) else if_false


def condition_named(name: Any, conditions: Mapping[str, bool], where: str) -> bool:
    """The truth of a condition a resource, an output or ``Fn::If`` names."""
    if not isinstance(name, str) or name not in conditions:
        known = ", ".join(sorted(conditions)) or "none declared"
        raise TemplateError(f"{where}: unknown condition {name!r} (known: {known})")
    return conditions[name]


@dataclass(frozen=True)
class ConditionalTemplate:
    """A template body as deployed, and the resources left out with the condition that did it."""

    body: dict[str, Any]
    skipped: Mapping[str, str]  # logical id -> its false condition


def apply_to_template(
    body: Mapping[str, Any], conditions: Mapping[str, bool], where: str
) -> ConditionalTemplate:
    """The body CloudFormation would deploy under ``conditions``."""
    applied = dict(body)
    skipped: dict[str, str] = {}
    for section in _SECTIONS_WITH_VALUES:
        entries = body.get(section)
        if not isinstance(entries, Mapping):
            continue
        kept: dict[str, Any] = {}
        for name, entry in entries.items():
            condition = _condition_of(entry) if section != "Globals" else None
            if condition is not None and not condition_named(
                condition, conditions, f"{where}: {name}"
            ):
                if section == "Resources":
                    skipped[name] = condition
                continue
            unconditional = _without_condition(entry) if condition is not None else entry
            kept[name] = apply_conditions(unconditional, conditions, f"{where}: {name}")
        applied[section] = kept
    _refuse_references_to_skipped(applied, skipped, where)
    return ConditionalTemplate(applied, skipped)


def _condition_of(entry: Any) -> str | None:
    condition = entry.get("Condition") if isinstance(entry, Mapping) else None
    return None if condition is None else str(condition)


def _without_condition(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in entry.items() if key != "Condition"}


def _refuse_references_to_skipped(
    body: Mapping[str, Any], skipped: Mapping[str, str], where: str
) -> None:
    """CloudFormation refuses a template that uses a resource its condition left out."""
    for section in _SECTIONS_WITH_VALUES:
        for name, entry in (body.get(section) or {}).items():
            used = references(entry) | _depends_on(entry)
            for missing in sorted(used & set(skipped)):
                raise TemplateError(
                    f"{where}: {name} refers to {missing}, which condition "
                    f"{skipped[missing]} leaves out (use Fn::If with the same condition)"
                )


def _depends_on(entry: Any) -> set[str]:
    value = entry.get("DependsOn") if isinstance(entry, Mapping) else None
    if value is None:
        return set()
    return {value} if isinstance(value, str) else set(value)
