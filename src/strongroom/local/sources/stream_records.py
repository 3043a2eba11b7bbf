"""DynamoDB Streams records, as boto3 reads them, shaped as the records of a Lambda event."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_EVENT_VERSION = "1.1"  # what Lambda sends for DynamoDB Streams
_STREAM_RECORD_FIELDS = (
    "ApproximateCreationDateTime",
    "Keys",
    "NewImage",
    "OldImage",
    "SequenceNumber",
    "SizeBytes",
    "StreamViewType",
)
_IMAGE_FIELDS = ("Keys", "NewImage", "OldImage")


@dataclass(frozen=True)
class StreamRecord:
    """A record read from a shard: the Lambda event record and what the runner needs to track it."""

    sequence_number: str
    created_at: float  # epoch seconds (ApproximateCreationDateTime)
    event: Mapping[str, Any]


def stream_record(raw: Mapping[str, Any], *, stream_arn: str, region: str) -> StreamRecord:
    """Shapes one GetRecords record as Lambda does; ``region`` replaces the emulator's own."""
    change: Mapping[str, Any] = raw["dynamodb"]
    created_at = epoch_seconds(change["ApproximateCreationDateTime"])
    dynamodb: dict[str, Any] = {}
    for field in _STREAM_RECORD_FIELDS:
        if field not in change:
            continue
        value = change[field]
        if field == "ApproximateCreationDateTime":
            value = created_at
        elif field in _IMAGE_FIELDS:
            value = wire_item(value)
        dynamodb[field] = value
    event: dict[str, Any] = {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": _EVENT_VERSION,
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in raw:  # deletes made by TTL
        event["userIdentity"] = {
            "type": raw["userIdentity"]["Type"],
            "principalId": raw["userIdentity"]["PrincipalId"],
        }
    return StreamRecord(
        sequence_number=str(change["SequenceNumber"]), created_at=created_at, event=event
    )


def epoch_seconds(moment: datetime | float) -> float:
    """Epoch seconds of a timestamp boto3 parsed (naive datetimes are taken as UTC)."""
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return aware.timestamp()
    return float(moment)


def wire_item(item: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """An item's AttributeValues back in wire JSON form."""
    return {name: wire_value(value) for name, value in item.items()}


def wire_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """One AttributeValue in wire JSON form: boto3 parses B and BS into bytes, the wire has base64.

    Numbers stay strings, as on the wire.
    """
    ((kind, content),) = value.items()
    if kind == "B":
        return {"B": _base64(content)}
    if kind == "BS":
        return {"BS": [_base64(member) for member in content]}
    if kind == "M":
        return {"M": wire_item(content)}
    if kind == "L":
        return {"L": [wire_value(member) for member in content]}
    if kind in ("SS", "NS"):
        return {kind: list(content)}
    return {kind: content}


def _base64(data: bytes | str) -> str:
    # Already-encoded strings pass through: a client without blob parsing leaves base64 text.
    if isinstance(data, str):
        return data
    return base64.b64encode(data).decode("ascii")
