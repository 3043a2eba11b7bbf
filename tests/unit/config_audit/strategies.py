"""Hypothesis strategies for DynamoDB wire-form values and Configuration items."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

ATTRIBUTE_NAMES = st.text(alphabet="abcdefgh", min_size=1, max_size=3)

_numbers = st.decimals(
    min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False
).map(str)
_binaries = st.binary(max_size=8).map(lambda data: base64.b64encode(data).decode("ascii"))

_scalars: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.text(max_size=5).map(lambda text: {"S": text}),
    _numbers.map(lambda number: {"N": number}),
    _binaries.map(lambda data: {"B": data}),
    st.booleans().map(lambda flag: {"BOOL": flag}),
    st.just({"NULL": True}),
    st.sets(st.text(max_size=3), min_size=1, max_size=4).map(lambda s: {"SS": sorted(s)}),
    st.sets(st.integers(-50, 50), min_size=1, max_size=4).map(
        lambda s: {"NS": [str(n) for n in sorted(s)]}
    ),
    st.sets(st.binary(max_size=3), min_size=1, max_size=3).map(
        lambda s: {"BS": [base64.b64encode(b).decode("ascii") for b in sorted(s)]}
    ),
)

ATTRIBUTE_VALUES: st.SearchStrategy[dict[str, Any]] = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda members: {"L": members}),
        st.dictionaries(ATTRIBUTE_NAMES, children, max_size=3).map(lambda m: {"M": m}),
    ),
    max_leaves=6,
)


def items(key: str = "CACHE_TTL_SEC") -> st.SearchStrategy[dict[str, Any]]:
    """A Configuration item: the string ``key`` plus up to five other attributes."""
    others = st.dictionaries(
        ATTRIBUTE_NAMES.filter(lambda name: name != "key"), ATTRIBUTE_VALUES, max_size=5
    )
    return others.map(lambda attributes: {"key": {"S": key}, **attributes})


def reencoded(value: dict[str, Any]) -> dict[str, Any]:
    """The same DynamoDB value written differently: numbers padded, sets in reverse order."""
    ((type_key, payload),) = value.items()
    match type_key:
        case "N":
            return {"N": _padded(payload)}
        case "NS":
            return {"NS": [_padded(number) for number in reversed(payload)]}
        case "SS" | "BS":
            return {type_key: list(reversed(payload))}
        case "M":
            return {"M": {name: reencoded(member) for name, member in payload.items()}}
        case "L":
            return {"L": [reencoded(member) for member in payload]}
        case _:
            return value


def _padded(number: str) -> str:
    padded = f"{number}0" if "." in number else f"{number}.0"
    assert Decimal(padded) == Decimal(number)
    return padded
