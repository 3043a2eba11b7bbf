from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from strongroom.local.gateway.responses import (
    GatewayResponse,
    MalformedResponse,
    gateway_message,
    map_function_response,
)


def test_structured_response_sets_status_headers_cookies_and_body() -> None:
    response = map_function_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/json", "X-Count": 3, "X-Flag": True},
            "cookies": ["a=1; Path=/", "b=2"],
            "body": '{"id": "r-1"}',
        }
    )

    assert response.status == 201
    assert response.headers == (
        ("Content-Type", "application/json"),
        ("X-Count", "3"),
        ("X-Flag", "true"),
    )
    assert response.cookies == ("a=1; Path=/", "b=2")
    assert response.body == b'{"id": "r-1"}'


def test_base64_body_is_decoded() -> None:
    raw = bytes(range(256))

    response = map_function_response(
        {"statusCode": 200, "body": base64.b64encode(raw).decode(), "isBase64Encoded": True}
    )

    assert response.body == raw


def test_structured_response_without_body_is_empty() -> None:
    response = map_function_response({"statusCode": 204})

    assert response == GatewayResponse(204)


@pytest.mark.parametrize(
    "payload",
    [{"id": "r-1", "items": [1, 2]}, ["a", "b"], "hello", 42, None, {"status": 500}],
)
def test_anything_else_is_a_json_200(payload: Any) -> None:
    response = map_function_response(payload)

    assert response.status == 200
    assert response.header("content-type") == "application/json"
    assert json.loads(response.body) == payload


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"statusCode": "200"}, "statusCode must be an integer"),
        ({"statusCode": True}, "statusCode must be an integer"),
        ({"statusCode": 99}, "statusCode must be an integer"),
        ({"statusCode": 200, "body": {"id": 1}}, "body must be a string"),
        ({"statusCode": 200, "headers": ["x"]}, "headers must be an object"),
        ({"statusCode": 200, "headers": {"x": ["a"]}}, "header 'x'"),
        ({"statusCode": 200, "cookies": "a=1"}, "cookies must be a list"),
        ({"statusCode": 200, "body": "%%%", "isBase64Encoded": True}, "not base64"),
        ({1, 2}, "not JSON"),
    ],
)
def test_malformed_responses_are_refused(payload: Any, message: str) -> None:
    with pytest.raises(MalformedResponse, match=message):
        map_function_response(payload)


def test_gateway_messages_are_compact_json() -> None:
    response = gateway_message(404, "Not Found")

    assert response.status == 404
    assert response.body == b'{"message":"Not Found"}'
    assert response.header("Content-Type") == "application/json"
