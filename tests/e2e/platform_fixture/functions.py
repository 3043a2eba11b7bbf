"""Handlers of the test-only platform stack: small, so the tests see the platform's behaviour."""

from __future__ import annotations

import os
from typing import Any

import boto3


def _remember(item_id: str, **attributes: str) -> None:
    item = {"id": {"S": item_id}} | {key: {"S": value} for key, value in attributes.items()}
    boto3.client("dynamodb").put_item(TableName=os.environ["SEEN_TABLE_NAME"], Item=item)


def consume(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Records every body except those saying ``fail``, which are reported as failures."""
    failures = []
    for record in event["Records"]:
        if record["body"] == "fail":
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        _remember(
            f"sqs:{record['body']}", receive_count=record["attributes"]["ApproximateReceiveCount"]
        )
    return {"batchItemFailures": failures}


def echo(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    jwt = event["requestContext"].get("authorizer", {}).get("jwt", {})
    return {
        "word": (event.get("pathParameters") or {}).get("word"),
        "route": event["routeKey"],
        "subject": jwt.get("claims", {}).get("sub"),
    }


def report(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Answers with the event it was given, so a test sees what the scheduler sent."""
    return event


def tick(event: dict[str, Any], _context: Any) -> dict[str, str]:
    _remember(f"tick:{event['id']}", time=event["time"], detail_type=event["detail-type"])
    return {"fired": event["time"]}
