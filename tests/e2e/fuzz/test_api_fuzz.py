"""Every documented route, fuzzed from its committed OpenAPI document on the local stack.

With the dev token, every answer must be documented (status, content type, body schema),
never a 5xx, and never a 2xx to a request the document forbids; a method no route declares is
API Gateway's 404. With each kind of refused token, every route is API Gateway's 401 (403 for
a token without the route's scope) before any function runs. The budget is in schemas.py.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.e2e.fuzz.schemas import declared_methods, load
from tests.e2e.fuzz.tokens import REFUSED

pytestmark = pytest.mark.e2e

deep_archive = load("deep_archive")
login_activity = load("login_activity")
deep_archive_generated = load("deep_archive", coverage=False)
login_activity_generated = load("login_activity", coverage=False)

GATEWAY_MESSAGES = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}


def _bearer(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


def _gateway_answer(response: requests.Response) -> tuple[int, Any]:
    return response.status_code, response.json()


def _answers_as_documented(case: Any, base_url: str, token: str) -> None:
    response = case.call(base_url=base_url, headers=_bearer(token), timeout=30)
    if case.method.upper() not in declared_methods(case.operation.schema, case.path):
        assert _gateway_answer(response) == (404, {"message": "Not Found"})
        return
    case.validate_response(response)


def _refuses_every_bad_token(case: Any, base_url: str, refused: dict[str, str | None]) -> None:
    for kind, status in REFUSED.items():
        response = case.call(base_url=base_url, headers=_bearer(refused[kind]), timeout=30)
        assert _gateway_answer(response) == (status, {"message": GATEWAY_MESSAGES[status]}), kind
        case.validate_response(response)


@deep_archive.parametrize()
def test_deep_archive_answers_as_documented(
    case: Any, api_urls: dict[str, str], endpoints: Any
) -> None:
    _answers_as_documented(case, api_urls["deep_archive"], endpoints.token)


@login_activity.parametrize()
def test_login_activity_answers_as_documented(
    case: Any, api_urls: dict[str, str], endpoints: Any
) -> None:
    _answers_as_documented(case, api_urls["login_activity"], endpoints.token)


@deep_archive_generated.parametrize()
def test_deep_archive_refuses_bad_tokens(
    case: Any, api_urls: dict[str, str], refused: dict[str, str | None]
) -> None:
    _refuses_every_bad_token(case, api_urls["deep_archive"], refused)


@login_activity_generated.parametrize()
def test_login_activity_refuses_bad_tokens(
    case: Any, api_urls: dict[str, str], refused: dict[str, str | None]
) -> None:
    _refuses_every_bad_token(case, api_urls["login_activity"], refused)
