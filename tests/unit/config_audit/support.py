"""Helpers shared by the config_audit unit and integration tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

EVENTS = Path(__file__).resolve().parents[2] / "events" / "config_audit"
STREAM_ARN = (
    "arn:aws:dynamodb:eu-west-1:123456789012:table/Configuration/stream/2024-01-01T00:00:00.000"
)


def load_event(name: str) -> dict[str, Any]:
    """A canonical Lambda DynamoDB Streams event from tests/events/config_audit/ (a fresh copy)."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


def single_record(name: str, index: int = 0) -> dict[str, Any]:
    return copy.deepcopy(load_event(name)["Records"][index])


def stream_record(
    event_name: str,
    sequence_number: str,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    created: float = 1704067200,
    item_key: str = "CACHE_TTL_SEC",
) -> dict[str, Any]:
    """A Lambda DynamoDB Streams record of the Configuration table, as the event source sends it."""
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": created,
        "Keys": {"key": {"S": item_key}},
        "SequenceNumber": sequence_number,
        "SizeBytes": 100,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        body["NewImage"] = new
    if old is not None:
        body["OldImage"] = old
    return {
        "eventID": f"event-{sequence_number}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-1",
        "dynamodb": body,
        "eventSourceARN": STREAM_ARN,
    }


TEMPLATE = (
    Path(__file__).resolve().parents[3] / "src" / "strongroom" / "config_audit" / "template.yaml"
)


class _TemplateLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form intrinsics (``!Ref x``) into their long form."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def load_template() -> dict[str, Any]:
    """config_audit's SAM template with intrinsics in long form."""
    template: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_TemplateLoader)
    return template
