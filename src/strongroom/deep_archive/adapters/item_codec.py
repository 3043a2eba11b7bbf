"""Pydantic models as DynamoDB items: plain JSON values in DynamoDB's typed form.

Numbers are stored as numbers (ints exactly, floats through their shortest decimal text) and
datetimes as ISO strings with milliseconds and ``Z``, which sort as text in key order. The
in-memory fakes round-trip through the same functions, so they keep exactly what DynamoDB keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

from strongroom.core.timefmt import iso_millis

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, "AttributeValueTypeDef"]

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


def storable(value: Any) -> Any:
    """``value`` with only the types TypeSerializer takes (no float, datetime or enum)."""
    if isinstance(value, datetime):
        return iso_millis(value)
    if isinstance(value, Enum):
        return storable(value.value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {str(name): storable(member) for name, member in value.items()}
    if isinstance(value, list | tuple):
        return [storable(member) for member in value]
    return value


def plain(value: Any) -> Any:
    """A deserialized value as plain JSON: integral numbers as int, the others as float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {name: plain(member) for name, member in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(member) for member in value]
    return value


def attribute(value: Any) -> AttributeValueTypeDef:
    """One value in DynamoDB's typed form (``{"N": "3"}``)."""
    return _SERIALIZER.serialize(storable(value))


def to_item(model: BaseModel, **attributes: Any) -> Item:
    """The model's fields as an item, with ``attributes`` (keys, index keys) added."""
    values = {**model.model_dump(mode="python"), **attributes}
    return {name: attribute(value) for name, value in values.items()}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item as plain JSON values, ready for ``Model.model_validate``."""
    return {name: plain(_DESERIALIZER.deserialize(value)) for name, value in item.items()}


def as_stored(value: Any) -> Any:
    """``value`` as DynamoDB gives it back: what a fake store keeps instead of the original."""
    return plain(_DESERIALIZER.deserialize(attribute(value)))


def to_millis(moment: datetime) -> datetime:
    """``moment`` in UTC, cut to the millisecond, as a stored timestamp reads back."""
    return datetime.fromisoformat(iso_millis(moment))


def one_of(values: Iterable[Any]) -> tuple[str, dict[str, AttributeValueTypeDef]]:
    """``"(:from0, :from1)"`` for an ``IN`` condition, and the values those placeholders name."""
    named = {f":from{number}": attribute(value) for number, value in enumerate(values)}
    return f"({', '.join(named)})", named
