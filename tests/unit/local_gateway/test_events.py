from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from strongroom.local.gateway.events import (
    IncomingRequest,
    RequestContext,
    build_event,
    new_request_id,
)

RECEIVED_AT = datetime(2024, 3, 12, 19, 3, 58, 390000, tzinfo=UTC)


def context(**overrides: Any) -> RequestContext:
    values: dict[str, Any] = {
        "api_id": "abc123",
        "account_id": "123456789012",
        "stage": "$default",
        "route_key": "GET /users/{user_id}/services",
        "request_id": "JhZ6miKYoAMEJXw=",
        "domain_name": "127.0.0.1:8080",
        "domain_prefix": "abc123",
        "received_at": RECEIVED_AT,
        "path_parameters": {"user_id": "alice"},
        "server_port": 8080,
    }
    values.update(overrides)
    return RequestContext(**values)


def request(**overrides: Any) -> IncomingRequest:
    values: dict[str, Any] = {
        "method": "GET",
        "target": "/users/alice/services?limit=5&tag=a&tag=b&empty=",
        "headers": [
            ("Host", "127.0.0.1:8080"),
            ("User-Agent", "curl/8.5"),
            ("X-Multi", "one"),
            ("x-multi", "two"),
            ("Cookie", "session=abc; theme=dark"),
        ],
        "body": b"",
        "source_ip": "127.0.0.1",
    }
    values.update(overrides)
    return IncomingRequest(**values)


def test_event_has_the_payload_2_0_shape() -> None:
    event = build_event(request(), context())

    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /users/{user_id}/services"
    assert event["rawPath"] == "/users/alice/services"
    assert event["rawQueryString"] == "limit=5&tag=a&tag=b&empty="
    assert event["queryStringParameters"] == {"limit": "5", "tag": "a,b", "empty": ""}
    assert event["pathParameters"] == {"user_id": "alice"}
    assert event["cookies"] == ["session=abc", "theme=dark"]
    assert event["isBase64Encoded"] is False
    assert "body" not in event
    assert event["requestContext"] == {
        "accountId": "123456789012",
        "apiId": "abc123",
        "domainName": "127.0.0.1:8080",
        "domainPrefix": "abc123",
        "http": {
            "method": "GET",
            "path": "/users/alice/services",
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "curl/8.5",
        },
        "requestId": "JhZ6miKYoAMEJXw=",
        "routeKey": "GET /users/{user_id}/services",
        "stage": "$default",
        "time": "12/Mar/2024:19:03:58 +0000",
        "timeEpoch": 1710270238390,
    }


def test_headers_are_lower_cased_joined_and_forwarded() -> None:
    headers = build_event(request(), context())["headers"]

    assert headers["host"] == "127.0.0.1:8080"
    assert headers["user-agent"] == "curl/8.5"
    assert headers["x-multi"] == "one,two"
    assert "cookie" not in headers
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-port"] == "8080"
    assert headers["x-amzn-trace-id"].startswith(f"Root=1-{1710270238:08x}-")


def test_forwarded_for_is_appended_to() -> None:
    headers = build_event(request(headers=[("X-Forwarded-For", "203.0.113.9")]), context())[
        "headers"
    ]

    assert headers["x-forwarded-for"] == "203.0.113.9,127.0.0.1"


def test_optional_members_are_absent_when_empty() -> None:
    event = build_event(request(target="/health", headers=[]), context(path_parameters={}))

    for member in ("cookies", "queryStringParameters", "pathParameters", "body"):
        assert member not in event
    assert "authorizer" not in event["requestContext"]
    assert event["rawQueryString"] == ""


def test_jwt_claims_are_passed_as_strings() -> None:
    claims = {"sub": "alice", "exp": 1710270238, "aud": ["a", "b"], "admin": False, "n": {"k": 1}}

    event = build_event(request(), context(jwt_claims=claims, jwt_scopes=["records/read"]))

    assert event["requestContext"]["authorizer"] == {
        "jwt": {
            "claims": {
                "sub": "alice",
                "exp": "1710270238",
                "aud": "[a b]",
                "admin": "false",
                "n": '{"k":1}',
            },
            "scopes": ["records/read"],
        }
    }


def test_scopes_are_null_when_the_route_has_none() -> None:
    event = build_event(request(), context(jwt_claims={"sub": "alice"}))

    assert event["requestContext"]["authorizer"]["jwt"]["scopes"] is None


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "text/csv",
        "application/xml",
        "application/javascript",
    ],
)
def test_text_bodies_are_passed_as_text(content_type: str) -> None:
    body = '{"name": "Zoë"}'.encode()

    event = build_event(request(body=body, headers=[("Content-Type", content_type)]), context())

    assert event["body"] == '{"name": "Zoë"}'
    assert event["isBase64Encoded"] is False


@pytest.mark.parametrize(
    "headers",
    [
        [("Content-Type", "application/octet-stream")],
        [("Content-Type", "application/x-www-form-urlencoded")],  # binary too, measured on AWS
        [("Content-Type", "image/png")],
        [],  # no content type at all
    ],
)
def test_other_bodies_are_base64_encoded(headers: list[tuple[str, str]]) -> None:
    body = b"\x89PNG\r\n\x00\xff"

    event = build_event(request(body=body, headers=headers), context())

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body


def test_text_body_that_is_not_utf8_is_passed_intact_as_base64() -> None:
    body = "café".encode("latin-1")

    event = build_event(request(body=body, headers=[("Content-Type", "text/plain")]), context())

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body


def test_request_ids_look_like_http_api_ones() -> None:
    ids = {new_request_id() for _ in range(50)}

    assert len(ids) == 50
    assert all(len(request_id) == 16 and request_id.endswith("=") for request_id in ids)
