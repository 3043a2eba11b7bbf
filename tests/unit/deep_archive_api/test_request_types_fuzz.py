"""``POST /archive`` refuses every field whose JSON type the committed OpenAPI document forbids.

Each example takes the seed's request for a registered project (which starts a job) and gives
one field a value of another JSON type than its schema allows: the answer is 422 naming the
field, and no job is recorded. Lax parsing once took ``"2"`` or ``true`` for a number and ``0``
for a flag, so such a request started a job (found following up the API fuzz); the model is
strict now.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strongroom.core.observability import metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.handlers import api
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.deep_archive_api.support import fakes, finance_project, http_event
from tests.unit.deep_archive_api.test_api import SEED_REQUEST

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "openapi" / "deep_archive.json"
PROPERTIES: dict[str, Any] = json.loads(DOCUMENT.read_text())["components"]["schemas"][
    "ArchiveRequest"
]["properties"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10")) * 5

_BY_JSON_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "boolean": st.booleans(),
    "integer": st.integers(-3, 10**6),
    # JSON Schema counts 1.0 as an integer: only fractions are numbers that are not integers.
    "number": st.floats(-1e6, 1e6).filter(lambda number: not number.is_integer()),
    "string": st.sampled_from(["1", "0", "true", "GLACIER", ""]),
    "array": st.lists(st.integers(0, 3), max_size=2),
    "object": st.dictionaries(st.sampled_from(["a", "value"]), st.integers(0, 3), max_size=2),
    "null": st.none(),
}


def allowed_types(schema: dict[str, Any]) -> set[str]:
    choices = schema.get("anyOf", [schema])
    allowed = {choice["type"] for choice in choices}
    return allowed | ({"integer"} if "number" in allowed else set())


@st.composite
def mistyped(draw: st.DrawFn) -> tuple[str, Any]:
    """A field of the request and a value of a JSON type its schema does not allow."""
    field = draw(st.sampled_from(sorted(PROPERTIES)))
    forbidden = sorted(set(_BY_JSON_TYPE) - allowed_types(PROPERTIES[field]))
    return field, draw(st.sampled_from(forbidden).flatmap(_BY_JSON_TYPE.__getitem__))


@pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")
@settings(max_examples=EXAMPLES, derandomize=True)
@given(mistyped())
def test_a_field_of_a_forbidden_json_type_is_422_naming_it(change: tuple[str, Any]) -> None:
    field, value = change
    bound = fakes(finance_project())
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(wiring, "ports", lambda: bound.ports)
        monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
        response = api.handler(
            http_event("POST", "/archive", {**SEED_REQUEST, field: value}), FakeLambdaContext()
        )

    body = json.loads(response["body"])
    assert response["statusCode"] == 422, body
    assert ["body", field] in [problem["loc"][:2] for problem in body["detail"]]
    assert bound.jobs.jobs() == []


def test_the_seed_request_itself_starts_a_job() -> None:
    bound = fakes(finance_project())
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(wiring, "ports", lambda: bound.ports)
        monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
        response = api.handler(http_event("POST", "/archive", SEED_REQUEST), FakeLambdaContext())

    assert response["statusCode"] == 202
    assert len(bound.jobs.jobs()) == 1
