from __future__ import annotations

import base64
import json

from aws_lambda_powertools.utilities.parser.models import SqsModel

from strongroom.local.sources.sqs_records import sqs_lambda_record

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:events-queue"

# What boto3's ReceiveMessage returns with AttributeNames and MessageAttributeNames "All".
RECEIVED = {
    "MessageId": "fce341b6-f1ac-4474-a14a-21b871fedbc9",
    "ReceiptHandle": "receipt-1",
    "MD5OfBody": "49f68a5c8493ec2c0bf489821c21fc3b",
    "Body": '{"user": "u-1"}',
    "Attributes": {
        "SenderId": "AIDAIT2UOQQY3AUEKVGXU",
        "SentTimestamp": "1795304215065",
        "ApproximateReceiveCount": "2",
        "ApproximateFirstReceiveTimestamp": "1795304215068",
    },
    "MD5OfMessageAttributes": "c07ce01315961c551ba21636edac9e57",
    "MessageAttributes": {
        "source": {"StringValue": "portal", "DataType": "String"},
        "blob": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
        "count": {"StringValue": "3", "DataType": "Number"},
    },
}


def test_record_has_lambda_sqs_shape() -> None:
    record = sqs_lambda_record(RECEIVED, queue_arn=QUEUE_ARN, region="eu-west-1")

    parsed = SqsModel.model_validate({"Records": [record]}).Records[0]
    assert parsed.messageId == RECEIVED["MessageId"]
    assert parsed.receiptHandle == "receipt-1"
    assert parsed.body == '{"user": "u-1"}'
    assert parsed.attributes.ApproximateReceiveCount == "2"
    assert parsed.md5OfBody == RECEIVED["MD5OfBody"]
    assert parsed.md5OfMessageAttributes == RECEIVED["MD5OfMessageAttributes"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == QUEUE_ARN
    assert record["awsRegion"] == "eu-west-1"


def test_message_attributes_are_camel_case_with_binary_in_base64() -> None:
    record = sqs_lambda_record(RECEIVED, queue_arn=QUEUE_ARN, region="eu-west-1")

    assert record["messageAttributes"] == {
        "source": {
            "stringValue": "portal",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "blob": {
            "binaryValue": base64.b64encode(b"\x00\x01").decode(),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
        "count": {
            "stringValue": "3",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Number",
        },
    }
    json.dumps(record)  # nothing binary is left


def test_message_without_attributes_has_empty_maps() -> None:
    bare = {key: RECEIVED[key] for key in ("MessageId", "ReceiptHandle", "MD5OfBody", "Body")}

    record = sqs_lambda_record(bare, queue_arn=QUEUE_ARN, region="eu-west-1")

    assert record["attributes"] == {}
    assert record["messageAttributes"] == {}
    assert "md5OfMessageAttributes" not in record
