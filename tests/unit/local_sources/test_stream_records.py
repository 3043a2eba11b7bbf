from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel

from strongroom.local.sources.stream_records import epoch_seconds, stream_record, wire_value

STREAM_ARN = (
    "arn:aws:dynamodb:eu-west-1:123456789012:table/Configuration/stream/2024-01-01T00:00:00.000"
)
CREATED = datetime(2024, 5, 1, 12, 30, 15, 842000, tzinfo=UTC)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _modify_record() -> dict[str, Any]:
    """A MODIFY record as boto3 parses moto's GetRecords answer (bytes, datetime, moto's region)."""
    return {
        "eventID": "0805d31d518f4ea881a7c3a70a36da2d",
        "eventName": "MODIFY",
        "eventVersion": "1.0",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": CREATED,
            "Keys": {"pk": {"S": "a"}},
            "NewImage": {"pk": {"S": "a"}, "n": {"N": "2"}, "b": {"B": b"\x00\x01"}},
            "OldImage": {"pk": {"S": "a"}, "n": {"N": "1.5"}, "b": {"B": b"\x00\x01"}},
            "SequenceNumber": "1100000000017454423010",
            "SizeBytes": 434,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def test_record_has_lambda_dynamodb_shape() -> None:
    record = stream_record(_modify_record(), stream_arn=STREAM_ARN, region="eu-west-1")

    event = json.loads(json.dumps({"Records": [record.event]}))
    parsed = DynamoDBStreamModel.model_validate(event).Records[0]
    assert parsed.eventName == "MODIFY"
    assert parsed.dynamodb.NewImage == {"pk": "a", "n": 2, "b": _b64(b"\x00\x01")}
    assert parsed.dynamodb.SequenceNumber == "1100000000017454423010"
    assert record.event["eventVersion"] == "1.1"
    assert record.event["awsRegion"] == "eu-west-1"
    assert record.event["eventSourceARN"] == STREAM_ARN


def test_record_keeps_what_the_runner_tracks() -> None:
    record = stream_record(_modify_record(), stream_arn=STREAM_ARN, region="eu-west-1")

    assert record.sequence_number == "1100000000017454423010"
    assert record.created_at == CREATED.timestamp()
    assert record.event["dynamodb"]["ApproximateCreationDateTime"] == CREATED.timestamp()


def test_images_are_in_wire_json_form() -> None:
    record = stream_record(_modify_record(), stream_arn=STREAM_ARN, region="eu-west-1")

    assert record.event["dynamodb"]["OldImage"] == {
        "pk": {"S": "a"},
        "n": {"N": "1.5"},
        "b": {"B": _b64(b"\x00\x01")},
    }


def test_insert_has_no_old_image_and_remove_no_new_image() -> None:
    insert = _modify_record() | {"eventName": "INSERT"}
    del insert["dynamodb"]["OldImage"]

    shaped = stream_record(insert, stream_arn=STREAM_ARN, region="eu-west-1").event

    assert "OldImage" not in shaped["dynamodb"]
    assert list(shaped["dynamodb"]) == [
        "ApproximateCreationDateTime",
        "Keys",
        "NewImage",
        "SequenceNumber",
        "SizeBytes",
        "StreamViewType",
    ]


def test_ttl_deletes_keep_their_user_identity() -> None:
    ttl_delete = _modify_record() | {
        "eventName": "REMOVE",
        "userIdentity": {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"},
    }

    shaped = stream_record(ttl_delete, stream_arn=STREAM_ARN, region="eu-west-1").event

    assert shaped["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def test_wire_value_encodes_binary_at_any_depth() -> None:
    value = {
        "M": {
            "blob": {"B": b"\xff"},
            "blobs": {"BS": [b"a", b"b"]},
            "list": {"L": [{"B": b"c"}, {"N": "7"}, {"NULL": True}, {"BOOL": False}]},
            "names": {"SS": ["x", "y"]},
            "numbers": {"NS": ["1", "2.5"]},
        }
    }

    assert wire_value(value) == {
        "M": {
            "blob": {"B": _b64(b"\xff")},
            "blobs": {"BS": [_b64(b"a"), _b64(b"b")]},
            "list": {"L": [{"B": _b64(b"c")}, {"N": "7"}, {"NULL": True}, {"BOOL": False}]},
            "names": {"SS": ["x", "y"]},
            "numbers": {"NS": ["1", "2.5"]},
        }
    }


def test_epoch_seconds_of_aware_naive_and_numeric_times() -> None:
    in_paris = CREATED.astimezone(timezone(timedelta(hours=2)))

    assert epoch_seconds(in_paris) == CREATED.timestamp()
    assert epoch_seconds(CREATED.replace(tzinfo=None)) == CREATED.timestamp()
    assert epoch_seconds(1714566615) == 1714566615.0
