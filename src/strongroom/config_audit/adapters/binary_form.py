"""Binary in AttributeValues: base64 text in Lambda events, ``bytes`` for the boto3 client.

boto3's low-level client base64-encodes ``B``/``BS`` itself on the way out and decodes them
on the way in, so the wire form the domain uses is converted at this edge only.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from strongroom.config_audit.domain.attribute_values import AttributeValue, Item


def to_boto_item(item: Item) -> dict[str, Any]:
    return {name: _convert(value, _decode) for name, value in item.items()}


def from_boto_item(item: dict[str, Any]) -> Item:
    return {name: _convert(value, _encode) for name, value in item.items()}


def _convert(value: AttributeValue, binary: Callable[[Any], Any]) -> AttributeValue:
    ((type_key, payload),) = value.items()
    match type_key:
        case "B":
            return {"B": binary(payload)}
        case "BS":
            return {"BS": [binary(member) for member in payload]}
        case "M":
            return {"M": {name: _convert(member, binary) for name, member in payload.items()}}
        case "L":
            return {"L": [_convert(member, binary) for member in payload]}
        case _:
            return value


def _decode(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
