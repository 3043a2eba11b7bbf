"""Hypothesis strategies for Configuration stream records: auditable ones, and ones that are not.

Each record is drawn knowing which it is, so a test can say what must happen to it.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.unit.config_audit.support import stream_record

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10")) * 5
"""Batches per property: 50 in make test, 1,000 in make fuzz (FUZZ_EXAMPLES=200)."""

KEYS = ["CACHE_TTL_SEC", "LOG_LEVEL", "FEATURE_FLAGS"]


@dataclass(frozen=True)
class Drawn:
    """A record without its SequenceNumber (the batch numbers them in order)."""

    event_name: str
    item_key: str
    good: bool
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    damage: str | None = None

    def record(self, sequence_number: str) -> dict[str, Any]:
        record = stream_record(
            self.event_name, sequence_number, old=self.old, new=self.new, item_key=self.item_key
        )
        if self.damage is not None:
            _DAMAGE[self.damage](record)
        return record


# A fixed pool keeps drawing cheap: these tests are about which records of a batch fail, and
# test_audit_properties already explores the values themselves.
_ATTRIBUTES: list[dict[str, Any]] = [
    {},
    {"value": {"N": "3600"}},
    {"value": {"N": "3600.0"}, "unit": {"S": "seconds"}},
    {"value": {"S": "debug"}, "tags": {"SS": ["b", "a"]}},
    {"limits": {"NS": ["1", "2.5"]}, "enabled": {"BOOL": False}, "note": {"NULL": True}},
    {"flags": {"M": {"beta": {"BOOL": True}, "steps": {"L": [{"N": "1"}, {"S": "é"}]}}}},
    {"raw": {"B": base64.b64encode(b"\xff\xfe\x00\x80").decode()}, "certs": {"BS": ["AAEC"]}},
]


@st.composite
def items(draw: st.DrawFn, key: str) -> dict[str, Any]:
    return {"key": {"S": key}, **draw(st.sampled_from(_ATTRIBUTES))}


def _big(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` with a value near DynamoDB's 400 KB item limit, or binary that is not UTF-8."""
    return {
        **item,
        "blob": {"S": "x" * 390_000},
        "raw": {"B": base64.b64encode(b"\xff\xfe\x00\x80").decode()},
    }


@st.composite
def good_records(draw: st.DrawFn) -> Drawn:
    key = draw(st.sampled_from(KEYS))
    name = draw(st.sampled_from(["INSERT", "MODIFY", "REMOVE"]))
    old = draw(items(key)) if name != "INSERT" else None
    new = draw(items(key)) if name != "REMOVE" else None
    if new is not None and draw(st.integers(0, 9)) == 0:
        new = _big(new)
    return Drawn(name, key, True, old=old, new=new)


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"S": "bottom"}
    for _ in range(depth):
        value = {"M": {"a": value}}
    return value


_BAD_VALUES: list[dict[str, Any]] = [
    {"N": "not a number"},
    {"N": "Infinity"},
    {"B": "*** not base64 ***"},
    {"S": 5},
    {"BOOL": "true"},
    {"NULL": False},
    {"SS": "not a list"},
    {"X": "unknown type"},
    {"S": "a", "N": "1"},
    {},
]


def _drop(path: tuple[str, ...]) -> Any:
    def damage(record: dict[str, Any]) -> None:
        parent = record
        for name in path[:-1]:
            parent = parent[name]
        parent.pop(path[-1])

    return damage


def _set(path: tuple[str, ...], value: Any) -> Any:
    def damage(record: dict[str, Any]) -> None:
        parent = record
        for name in path[:-1]:
            parent = parent[name]
        parent[path[-1]] = value

    return damage


_DAMAGE: dict[str, Any] = {
    "unknown_event_name": _set(("eventName",), "TTL"),
    "no_event_source_arn": _drop(("eventSourceARN",)),
    "no_keys": _drop(("dynamodb", "Keys")),
    "key_not_a_string": _set(("dynamodb", "Keys"), {"key": {"N": "1"}}),
    "empty_key": _set(("dynamodb", "Keys"), {"key": {"S": ""}}),
    "negative_time": _set(("dynamodb", "ApproximateCreationDateTime"), -1),
    "time_not_a_number": _set(("dynamodb", "ApproximateCreationDateTime"), "yesterday"),
}


@st.composite
def bad_records(draw: st.DrawFn) -> Drawn:
    key = draw(st.sampled_from(KEYS))
    kind = draw(st.sampled_from(["missing_image", "bad_value", "nested_too_deep", "damaged"]))
    item = draw(items(key))
    match kind:
        case "missing_image":
            name = draw(st.sampled_from(["INSERT", "MODIFY", "REMOVE"]))
            image = {"INSERT": {"old": item}, "MODIFY": {"new": item}, "REMOVE": {"new": item}}
            return Drawn(name, key, False, **image[name])
        case "bad_value":
            value = draw(st.sampled_from(_BAD_VALUES))
            return Drawn("INSERT", key, False, new={**item, "bad": value})
        case "nested_too_deep":  # DynamoDB allows 32 levels; past the interpreter's recursion
            return Drawn(
                "INSERT",
                key,
                False,
                new={**item, "deep": _nested(draw(st.sampled_from([33, 5_000])))},
            )
        case _:
            damage = draw(st.sampled_from(sorted(_DAMAGE)))
            return Drawn("INSERT", key, False, new=item, damage=damage)


batches = st.lists(st.one_of(good_records(), bad_records()), min_size=1, max_size=8)
