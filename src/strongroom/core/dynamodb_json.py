"""DynamoDB's typed JSON (``{"N": "3600"}``) shown as plain JSON (``3600``) for people."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _number(text: str) -> int | float:
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def to_plain(value: dict[str, Any]) -> Any:  # noqa: PLR0911 - one return per DynamoDB type
    """One attribute value as plain JSON: sets become sorted lists, binary stays base64 text."""
    ((kind, payload),) = value.items()
    if kind in ("S", "B", "BOOL"):
        return payload
    if kind == "N":
        return _number(payload)
    if kind == "NULL":
        return None
    if kind == "M":
        return {name: to_plain(item) for name, item in payload.items()}
    if kind == "L":
        return [to_plain(item) for item in payload]
    if kind == "NS":
        return sorted(_number(item) for item in payload)
    if kind in ("SS", "BS"):
        return sorted(payload)
    raise ValueError(f"unknown DynamoDB type {kind}")
