"""Resolve CloudFormation intrinsic functions against the local stack's values."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any, Protocol

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class TemplateError(ValueError):
    """A template uses something the local stack cannot honour; the message says what and where."""


class ValueSource(Protocol):
    def ref(self, name: str) -> Any: ...

    def get_att(self, resource: str, attribute: str) -> Any: ...


def resolve(value: Any, source: ValueSource) -> Any:
    """Return ``value`` with every intrinsic replaced by its local value."""
    if isinstance(value, list):
        return [resolve(item, source) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref":
            return source.ref(argument)
        if name.startswith("Fn::"):
            return _resolve_function(name, argument, source)
    return {key: resolve(item, source) for key, item in value.items()}


def _resolve_function(name: str, argument: Any, source: ValueSource) -> Any:
    if name == "Fn::GetAtt":
        resource, attribute = _split_get_att(argument)
        return source.get_att(resource, resolve(attribute, source))
    if name == "Fn::Sub":
        return _resolve_sub(argument, source)
    if name == "Fn::Join":
        delimiter, items = argument
        return str(delimiter).join(str(item) for item in resolve(items, source))
    if name == "Fn::Select":
        index, items = resolve(argument, source)
        return items[int(index)]
    if name == "Fn::Split":
        delimiter, text = resolve(argument, source)
        return str(text).split(str(delimiter))
    if name == "Fn::Base64":
        return base64.b64encode(str(resolve(argument, source)).encode()).decode()
    raise TemplateError(f"{name} is not supported by the local stack")


def _split_get_att(argument: Any) -> tuple[str, Any]:
    if isinstance(argument, str):
        resource, _, attribute = argument.partition(".")
        return resource, attribute
    resource, attribute = argument
    return str(resource), attribute


def _resolve_sub(argument: Any, source: ValueSource) -> str:
    if isinstance(argument, list):
        text, variables = argument[0], resolve(argument[1], source)
    else:
        text, variables = argument, {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in variables:
            return str(variables[name])
        if "." in name:
            resource, attribute = name.split(".", 1)
            return str(source.get_att(resource, attribute))
        return str(source.ref(name))

    return _SUB_VARIABLE.sub(replace, str(text)).replace("${!", "${")


def references(value: Any) -> set[str]:
    """Names a value refers to (Ref targets, GetAtt resources, ``${...}`` in Sub)."""
    found: set[str] = set()
    _collect_references(value, found)
    return found


def _collect_references(value: Any, found: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect_references(item, found)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key == "Ref" and isinstance(item, str):
            found.add(item.split(".")[0])
        elif key == "Fn::GetAtt":
            found.add(_split_get_att(item)[0])
        elif key == "Fn::Sub":
            text, variables = (item[0], item[1]) if isinstance(item, list) else (item, {})
            local_names = set(variables) if isinstance(variables, Mapping) else set()
            for match in _SUB_VARIABLE.finditer(str(text)):
                name = match.group(1).strip().split(".")[0]
                if name not in local_names:
                    found.add(name)
            _collect_references(variables, found)
        else:
            _collect_references(item, found)
