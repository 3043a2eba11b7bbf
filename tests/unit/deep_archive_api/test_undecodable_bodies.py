"""Bodies the API cannot even decode are 422s naming the problem, never 500s (issue 14)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from strongroom.core.observability import metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.handlers import api
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.deep_archive_api.support import Fakes, fakes, finance_project, http_event

pytestmark = pytest.mark.filterwarnings(
    "ignore:No application metrics:UserWarning",
    "ignore:Received multipart/form-data without base64 encoding:UserWarning",
)

NOT_UTF8 = b'{"project_name": "fin\xff\xfeance"}'
HUGE_INTEGER = '{"project_name": "finance", "expected_files": ' + "9" * 5000 + "}"
DEEPLY_NESTED = '{"project_name": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.fixture(autouse=True)
def _bound(monkeypatch: pytest.MonkeyPatch) -> Fakes:
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
    bound = fakes(finance_project())
    monkeypatch.setattr(wiring, "ports", lambda: bound.ports)
    return bound


def send(path: str, body: str | bytes, **overrides: Any) -> tuple[int, Any]:
    event = http_event("POST", path)
    if isinstance(body, bytes):
        event.update(body=base64.b64encode(body).decode(), isBase64Encoded=True)
    else:
        event["body"] = body
    event["headers"].update(overrides.pop("headers", {}))
    event.update(overrides)
    response = api.handler(event, FakeLambdaContext())
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize("path", ["/archive", "/restore"])
@pytest.mark.parametrize(
    ("body", "headers", "rule", "words"),
    [
        pytest.param(NOT_UTF8, {}, "body_not_utf8", "not UTF-8", id="not-utf8"),
        pytest.param(HUGE_INTEGER, {}, "json_number_too_long", "digits", id="huge-integer"),
        pytest.param(DEEPLY_NESTED, {}, "json_too_deep", "nested", id="deeply-nested"),
        pytest.param(
            "--x\r\n\r\n--x--",
            {"content-type": "multipart/form-data"},
            "multipart_boundary_missing",
            "boundary",
            id="multipart-without-boundary",
        ),
    ],
)
def test_an_undecodable_body_is_422_naming_the_problem(
    path: str, body: str | bytes, headers: dict[str, str], rule: str, words: str
) -> None:
    status, answer = send(path, body, headers=headers)

    assert status == 422
    (problem,) = answer["detail"]
    assert problem["loc"] == ["body"]
    assert problem["type"] == rule
    assert words in problem["msg"]
    assert words in answer["message"]


def test_a_body_marked_base64_that_is_not_is_422() -> None:
    status, answer = send("/archive", "not base64!", isBase64Encoded=True)

    assert status == 422
    assert answer["detail"][0]["type"] == "body_not_base64"


def test_a_bug_behind_a_decodable_body_is_still_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only bodies that fail to decode are 422s: a ValueError from our own code stays a 500."""

    def broken(*_: Any) -> Any:
        raise ValueError("a bug")

    monkeypatch.setattr(api, "request_archive", broken)

    with pytest.raises(ValueError, match="a bug"):
        send(
            "/archive",
            json.dumps({"project_name": "finance", "bucket_name": "finance-reports-src"}),
        )
