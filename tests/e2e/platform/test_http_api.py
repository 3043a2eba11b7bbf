"""The local HTTP API applies the template's routes and JWT authorizer before invoking."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack

pytestmark = pytest.mark.e2e


def _get(url: str, token: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def api_url(endpoints: Endpoints) -> str:
    return endpoints.apis["platform_fixture"]


def test_an_open_route_needs_no_token(api_url: str) -> None:
    status, body = _get(f"{api_url}/open")

    assert status == 200
    assert body["route"] == "GET /open"


def test_a_protected_route_without_a_token_is_401(api_url: str) -> None:
    assert _get(f"{api_url}/echo/hello") == (401, {"message": "Unauthorized"})


def test_a_token_without_the_route_scope_is_403(api_url: str, local_stack: LocalStack) -> None:
    token = local_stack.mint_token(["other/scope"])

    assert _get(f"{api_url}/echo/hello", token) == (403, {"message": "Forbidden"})


def test_a_token_with_the_scope_reaches_the_function_with_path_and_claims(
    api_url: str, local_stack: LocalStack
) -> None:
    status, body = _get(f"{api_url}/echo/hello", local_stack.mint_token(["fixture/read"]))

    assert status == 200
    assert body == {"word": "hello", "route": "GET /echo/{word}", "subject": "strongroom-dev"}


def test_the_dev_token_in_endpoints_has_every_scope(api_url: str, endpoints: Endpoints) -> None:
    assert _get(f"{api_url}/echo/x", endpoints.token)[0] == 200


def test_an_unknown_route_is_404(api_url: str, endpoints: Endpoints) -> None:
    assert _get(f"{api_url}/nothing/here", endpoints.token) == (404, {"message": "Not Found"})
