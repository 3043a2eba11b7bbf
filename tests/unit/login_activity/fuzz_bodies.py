"""Hypothesis strategies for SQS message bodies: login events, and bodies that can never be one.

Each body is drawn knowing which it is, so a test can say what must happen to it: a good body
is recorded, a bad one is parked (or, if parking fails, reported) and nothing else.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from strongroom.login_activity.domain.fields import IDENTIFIER_MAX_LENGTH, SERVICE_NAME_MAX_LENGTH
from tests.unit.login_activity.strategies import logins

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10")) * 5
"""Batches per property: 50 in make test, 1,000 in make fuzz (FUZZ_EXAMPLES=200)."""

USERS = ["123456789", "auth0|alice", "google-oauth2|42", "bob@example.com"]


@dataclass(frozen=True)
class Body:
    text: str
    good: bool
    user_id: str | None = None
    service_id: str | None = None


_identifier = st.text(alphabet="ABCxyz019._:@|+-", min_size=1, max_size=8) | st.just(
    "r" * IDENTIFIER_MAX_LENGTH
)
_json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_json_values = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


PROVIDER_EXTRAS: list[dict[str, Any]] = [
    {},
    {},
    {"ip": "192.0.2.1", "amr": ["pwd", "mfa"]},
    {"agent": {"name": "browser", "version": [1, 2]}, "user_id_hint": None},
]


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    """A valid login event, sometimes with fields the provider added (they are ignored)."""
    login = draw(logins())
    event: dict[str, Any] = {
        "user_id": draw(st.sampled_from(USERS)),
        "service_id": draw(st.one_of(st.just(login.service_id), _identifier)),
        "service_name": login.service_name,
        "timestamp": login.text,
    }
    extra = draw(st.sampled_from(PROVIDER_EXTRAS))
    return {**extra, **event}


@st.composite
def good_bodies(draw: st.DrawFn) -> Body:
    event = draw(events())
    padding = draw(st.sampled_from([0, 0, 0, 200_000]))  # near SQS's 256 KB, in an ignored field
    if padding:
        event = {**event, "padding": "x" * padding}
    return Body(json.dumps(event), True, event["user_id"], event["service_id"])


def _nested(depth: int, event: dict[str, Any]) -> str:
    """``event`` with an extra field nested ``depth`` arrays deep (deeper than json recurses)."""
    inner = json.dumps(event)[1:-1]
    return "{" + inner + ', "deep": ' + "[" * depth + "]" * depth + "}"


@st.composite
def bad_bodies(draw: st.DrawFn) -> Body:
    event = draw(events())
    field = draw(st.sampled_from(["user_id", "service_id", "service_name", "timestamp"]))
    kind = draw(
        st.sampled_from(
            [
                "not_json",
                "not_an_object",
                "missing_field",
                "wrong_type",
                "too_long",
                "nested_too_deep",
                "huge_integer",
                "lone_surrogate",
                "not_utf8_bytes",
            ]
        )
    )
    match kind:
        case "not_json":
            text = "<" + draw(st.text(max_size=50))
        case "not_an_object":
            text = json.dumps(draw(_json_values.filter(lambda value: not isinstance(value, dict))))
        case "missing_field":
            text = json.dumps({name: value for name, value in event.items() if name != field})
        case "wrong_type":
            text = json.dumps(
                {**event, field: draw(st.integers() | st.lists(st.text(), max_size=2) | st.none())}
            )
        case "too_long":
            limit = SERVICE_NAME_MAX_LENGTH if field == "service_name" else IDENTIFIER_MAX_LENGTH
            text = json.dumps({**event, field: "a" * (limit + draw(st.integers(1, 300_000)))})
        case "nested_too_deep":
            text = _nested(draw(st.integers(5_000, 100_000)), event)
        case "huge_integer":
            text = (
                json.dumps(event)[:-1] + ', "n": 1' + "0" * draw(st.integers(4_300, 20_000)) + "}"
            )
        case "lone_surrogate":
            text = json.dumps({**event, "service_name": "caf\udcff"}, ensure_ascii=False)
        case _:  # bytes that are not UTF-8, as a decoder that keeps them hands them over
            raw = draw(st.binary(min_size=1, max_size=40)) + b"\xff"
            text = raw.decode("utf-8", "surrogateescape")
    return Body(text, False)


bodies = st.one_of(good_bodies(), bad_bodies())
batches = st.lists(bodies, min_size=1, max_size=8)
