"""Helpers shared by the login_activity unit and integration tests."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from tests.support.lambda_context import FakeLambdaContext

EVENTS = Path(__file__).resolve().parents[2] / "events" / "login_activity"
QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:login_activity-events"
SEED_BODY = {
    "user_id": "123456789",
    "service_id": "abcdef",
    "service_name": "A service name",
    "timestamp": "2022-08-04T08:50:39Z",
}


def load_event(name: str) -> dict[str, Any]:
    """A canonical Lambda SQS event from tests/events/login_activity/ (a fresh copy)."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


def message_ids(event: dict[str, Any], *indexes: int) -> list[str]:
    return [event["Records"][index]["messageId"] for index in indexes]


def login(
    user_id: str = "123456789",
    service_id: str = "abcdef",
    service_name: str = "A service name",
    timestamp: str = "2022-08-04T08:50:39Z",
) -> dict[str, Any]:
    """A login event body (the seed's fields), as a dict."""
    return {
        "user_id": user_id,
        "service_id": service_id,
        "service_name": service_name,
        "timestamp": timestamp,
    }


def sqs_record(body: dict[str, Any] | str, message_id: str) -> dict[str, Any]:
    """One Lambda SQS record carrying ``body`` (a dict is sent as its JSON)."""
    text = body if isinstance(body, str) else json.dumps(body)
    record: dict[str, Any] = copy.deepcopy(load_event("seed_event")["Records"][0])
    record.update(
        messageId=message_id,
        body=text,
        md5OfBody=hashlib.md5(text.encode("utf-8", "surrogatepass")).hexdigest(),
        eventSourceARN=QUEUE_ARN,
    )
    return record


def sqs_event(*bodies: dict[str, Any] | str) -> dict[str, Any]:
    """An SQS event with one record per body; message ids are ``m0``, ``m1``, …"""
    return {"Records": [sqs_record(body, f"m{index}") for index, body in enumerate(bodies)]}


def http_get(raw_path: str, method: str = "GET") -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) request as the JWT authorizer lets it through."""
    return {
        "version": "2.0",
        "routeKey": "GET /users/{user_id}/services",
        "rawPath": raw_path,
        "rawQueryString": "",
        "headers": {"accept": "application/json", "authorization": "Bearer token"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api1234567",
            "authorizer": {
                "jwt": {
                    "claims": {"sub": "client-app", "scope": "login_activity/read"},
                    "scopes": ["login_activity/read"],
                }
            },
            "domainName": "api1234567.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "api1234567",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "tests",
            },
            "requestId": "request-1",
            "routeKey": "GET /users/{user_id}/services",
            "stage": "$default",
            "time": "04/Aug/2022:08:50:39 +0000",
            "timeEpoch": 1659603039000,
        },
        "isBase64Encoded": False,
    }


def lambda_context() -> Any:
    """A FakeLambdaContext where a handler's signature asks for Lambda's own type."""
    return FakeLambdaContext()
