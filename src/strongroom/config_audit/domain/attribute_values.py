"""DynamoDB AttributeValues in their wire form (``{"N": "3600"}``) and when two are the same value.

Audit entries carry values exactly as the stream delivered them, so their DynamoDB types
survive. Comparing them is semantic: numbers by value (``"1.0"`` equals ``"1"``), sets
regardless of order, binary by its decoded bytes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Hashable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

AttributeValue: TypeAlias = dict[str, Any]
"""One value in DynamoDB JSON, e.g. ``{"S": "a"}``; binary is base64 text, as in Lambda events."""

Item: TypeAlias = dict[str, AttributeValue]
"""A whole item: attribute name to AttributeValue."""

MAX_NESTING = 32
"""DynamoDB nests maps and lists at most 32 levels deep; deeper is malformed, not recursed into
(which would end in a RecursionError and a traceback of a thousand frames in the log)."""


def check_attribute_value(value: AttributeValue) -> AttributeValue:
    """``value`` itself if well-formed, else ``ValueError`` naming the fault."""
    _canonical(value)
    return value


def same_value(left: AttributeValue | None, right: AttributeValue | None) -> bool:
    """Whether two values (``None``: the attribute is absent) hold the same DynamoDB value."""
    if left is None or right is None:
        return left is right
    return _canonical(left) == _canonical(right)


def _canonical(value: object, depth: int = 0) -> Hashable:
    """``value`` in a comparable form; ``depth`` counts the maps and lists around it."""
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(
            'an AttributeValue is an object with exactly one type key, e.g. {"S": "a"}'
        )
    ((type_key, payload),) = value.items()
    if type_key in ("M", "L"):
        if depth >= MAX_NESTING:
            raise ValueError(f"maps and lists nest at most {MAX_NESTING} levels deep")
        return type_key, (_map if type_key == "M" else _list)(payload, depth + 1)
    convert = _CANONICAL_BY_TYPE.get(type_key)
    if convert is None:
        raise ValueError(f"unknown AttributeValue type {type_key!r}")
    return type_key, convert(payload)


def _string(payload: object) -> str:
    if not isinstance(payload, str):
        raise ValueError(f"expected a string, got {type(payload).__name__}")
    return payload


def _number(payload: object) -> Decimal:
    text = _string(payload)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a DynamoDB number: {text!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a DynamoDB number: {text!r}")
    return number


def _binary(payload: object) -> bytes:
    try:
        return base64.b64decode(_string(payload), validate=True)
    except binascii.Error:
        raise ValueError("binary must be base64 text") from None


def _boolean(payload: object) -> bool:
    if not isinstance(payload, bool):
        raise ValueError(f"BOOL must be true or false, got {payload!r}")
    return payload


def _null(payload: object) -> bool:
    if payload is not True:
        raise ValueError(f"NULL must be true, got {payload!r}")
    return True


def _map(payload: object, depth: int) -> frozenset[tuple[str, Hashable]]:
    if not isinstance(payload, dict):
        raise ValueError(f"M must be an object, got {type(payload).__name__}")
    return frozenset((_string(name), _canonical(member, depth)) for name, member in payload.items())


def _list(payload: object, depth: int) -> tuple[Hashable, ...]:
    return tuple(_canonical(member, depth) for member in _sequence(payload))


def _set_of(member: Callable[[object], Hashable]) -> Callable[[object], frozenset[Hashable]]:
    def convert(payload: object) -> frozenset[Hashable]:
        return frozenset(member(element) for element in _sequence(payload))

    return convert


def _sequence(payload: object) -> list[object]:
    if not isinstance(payload, list):
        raise ValueError(f"expected a list, got {type(payload).__name__}")
    return payload


_CANONICAL_BY_TYPE: dict[str, Callable[[object], Hashable]] = {
    "S": _string,
    "N": _number,
    "B": _binary,
    "BOOL": _boolean,
    "NULL": _null,
    "SS": _set_of(_string),
    "NS": _set_of(_number),
    "BS": _set_of(_binary),
}
