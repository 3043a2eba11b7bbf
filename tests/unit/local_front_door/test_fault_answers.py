"""Injected errors parse, in botocore, as the error code the service would send, and botocore's
standard retry mode retries them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ClientError

from strongroom.local.front_door.aws_request import Protocol
from strongroom.local.front_door.fault_answers import fault_answer
from strongroom.local.front_door.fault_rules import FaultError
from strongroom.local.front_door.lambda_answers import Answer
from tests.unit.local_front_door.botocore_wire import wire_client

QUEUE = "http://127.0.0.1:4566/123456789012/q"
CASES: list[tuple[str, Protocol, FaultError, Callable[[Any], Any], str, int]] = [
    (
        "dynamodb",
        Protocol.JSON,
        FaultError.THROTTLE,
        lambda c: c.put_item(TableName="t", Item={"k": {"S": "v"}}),
        "ProvisionedThroughputExceededException",
        400,
    ),
    (
        "dynamodb",
        Protocol.JSON,
        FaultError.SERVER,
        lambda c: c.get_item(TableName="t", Key={"k": {"S": "v"}}),
        "InternalServerError",
        500,
    ),
    (
        "sqs",
        Protocol.JSON,
        FaultError.THROTTLE,
        lambda c: c.send_message(QueueUrl=QUEUE, MessageBody="x"),
        "RequestThrottled",
        400,
    ),
    (
        "sqs",
        Protocol.JSON,
        FaultError.SERVER,
        lambda c: c.delete_message(QueueUrl=QUEUE, ReceiptHandle="r"),
        "InternalError",
        500,
    ),
    (
        "s3",
        Protocol.REST_XML,
        FaultError.THROTTLE,
        lambda c: c.put_object(Bucket="b", Key="k", Body=b"x"),
        "SlowDown",
        503,
    ),
    (
        "s3",
        Protocol.REST_XML,
        FaultError.SERVER,
        lambda c: c.get_object(Bucket="b", Key="k"),
        "InternalError",
        500,
    ),
    (
        "sns",
        Protocol.QUERY,
        FaultError.THROTTLE,
        lambda c: c.publish(TopicArn="arn:aws:sns:eu-west-1:1:t", Message="m"),
        "Throttling",
        400,
    ),
    (
        "sns",
        Protocol.QUERY,
        FaultError.SERVER,
        lambda c: c.publish(TopicArn="arn:aws:sns:eu-west-1:1:t", Message="m"),
        "InternalError",
        500,
    ),
    (
        "secretsmanager",
        Protocol.JSON,
        FaultError.THROTTLE,
        lambda c: c.get_secret_value(SecretId="s"),
        "ThrottlingException",
        400,
    ),
    (
        "lambda",
        Protocol.REST_JSON,
        FaultError.THROTTLE,
        lambda c: c.invoke(FunctionName="f", Payload=b"{}"),
        "TooManyRequestsException",
        429,
    ),
    (
        "batch",
        Protocol.REST_JSON,
        FaultError.SERVER,
        lambda c: c.describe_jobs(jobs=["j"]),
        "InternalFailure",
        500,
    ),
]


@pytest.mark.parametrize(("service", "protocol", "error", "call", "code", "status"), CASES)
def test_botocore_reads_the_services_error_code_and_retries_it(
    service: str,
    protocol: Protocol,
    error: FaultError,
    call: Callable[[Any], Any],
    code: str,
    status: int,
) -> None:
    sent: list[AWSPreparedRequest] = []

    def answer(request: AWSPreparedRequest) -> Answer:
        sent.append(request)
        return fault_answer(service, protocol, error, "req-1")

    with pytest.raises(ClientError) as raised:
        call(wire_client(service, answer, attempts=2))

    response = raised.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert "fault mode" in response["Error"]["Message"]
    assert len(sent) == 2  # botocore retried it as throttling or a transient error
    assert response["ResponseMetadata"]["RetryAttempts"] == 1


DENIED_CASES: list[tuple[str, Protocol, Callable[[Any], Any], str, int]] = [
    (
        "dynamodb",
        Protocol.JSON,
        lambda c: c.put_item(TableName="t", Item={"k": {"S": "v"}}),
        "AccessDeniedException",
        400,
    ),
    (
        "sqs",
        Protocol.JSON,
        lambda c: c.send_message(QueueUrl=QUEUE, MessageBody="x"),
        "AccessDenied",
        403,
    ),
    ("s3", Protocol.REST_XML, lambda c: c.get_object(Bucket="b", Key="k"), "AccessDenied", 403),
    (
        "sns",
        Protocol.QUERY,
        lambda c: c.publish(TopicArn="arn:aws:sns:eu-west-1:1:t", Message="m"),
        "AuthorizationError",
        403,
    ),
    (
        "secretsmanager",
        Protocol.JSON,
        lambda c: c.get_secret_value(SecretId="s"),
        "AccessDeniedException",
        400,
    ),
]


@pytest.mark.parametrize(("service", "protocol", "call", "code", "status"), DENIED_CASES)
def test_botocore_reads_access_denied_and_does_not_retry_it(
    service: str, protocol: Protocol, call: Callable[[Any], Any], code: str, status: int
) -> None:
    sent: list[AWSPreparedRequest] = []

    def answer(request: AWSPreparedRequest) -> Answer:
        sent.append(request)
        return fault_answer(service, protocol, FaultError.DENIED, "req-1")

    with pytest.raises(ClientError) as raised:
        call(wire_client(service, answer, attempts=3))

    response = raised.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (
        code,
        status,
    )
    assert len(sent) == 1
