"""Requests as botocore sends them are read as the service and operation they call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import pytest
from botocore.awsrequest import AWSPreparedRequest

from strongroom.local.front_door.aws_request import AwsCall, Protocol, classify
from strongroom.local.front_door.lambda_answers import Answer
from tests.unit.local_front_door.botocore_wire import split, wire_client

TABLE = {"TableName": "t"}
QUEUE = "http://127.0.0.1:4566/123456789012/q"
CALLS: list[tuple[str, str, Callable[[Any], Any], Protocol]] = [
    ("dynamodb", "PutItem", lambda c: c.put_item(**TABLE, Item={"k": {"S": "v"}}), Protocol.JSON),
    ("dynamodb", "GetItem", lambda c: c.get_item(**TABLE, Key={"k": {"S": "v"}}), Protocol.JSON),
    (
        "sqs",
        "SendMessage",
        lambda c: c.send_message(QueueUrl=QUEUE, MessageBody="x"),
        Protocol.JSON,
    ),
    (
        "sns",
        "Publish",
        lambda c: c.publish(TopicArn="arn:aws:sns:eu-west-1:1:t", Message="m"),
        Protocol.QUERY,
    ),
    ("sts", "GetCallerIdentity", lambda c: c.get_caller_identity(), Protocol.QUERY),
    (
        "s3",
        "PutObject",
        lambda c: c.put_object(Bucket="b", Key="a/b.txt", Body=b"x"),
        Protocol.REST_XML,
    ),
    ("s3", "GetObject", lambda c: c.get_object(Bucket="b", Key="a/b.txt"), Protocol.REST_XML),
    ("s3", "HeadObject", lambda c: c.head_object(Bucket="b", Key="k"), Protocol.REST_XML),
    (
        "s3",
        "CopyObject",
        lambda c: c.copy_object(Bucket="b", Key="k", CopySource="b/j"),
        Protocol.REST_XML,
    ),
    (
        "s3",
        "ListObjectsV2",
        lambda c: c.list_objects_v2(Bucket="b", Prefix="p/"),
        Protocol.REST_XML,
    ),
    ("s3", "ListObjects", lambda c: c.list_objects(Bucket="b"), Protocol.REST_XML),
    (
        "s3",
        "CreateMultipartUpload",
        lambda c: c.create_multipart_upload(Bucket="b", Key="k"),
        Protocol.REST_XML,
    ),
    (
        "s3",
        "UploadPart",
        lambda c: c.upload_part(Bucket="b", Key="k", UploadId="u", PartNumber=1, Body=b"x"),
        Protocol.REST_XML,
    ),
    (
        "s3",
        "RestoreObject",
        lambda c: c.restore_object(Bucket="b", Key="k", RestoreRequest={"Days": 1}),
        Protocol.REST_XML,
    ),
    (
        "s3",
        "DeleteObjects",
        lambda c: c.delete_objects(Bucket="b", Delete={"Objects": [{"Key": "k"}]}),
        Protocol.REST_XML,
    ),
    ("lambda", "Invoke", lambda c: c.invoke(FunctionName="f", Payload=b"{}"), Protocol.REST_JSON),
    ("lambda", "GetFunction", lambda c: c.get_function(FunctionName="f"), Protocol.REST_JSON),
    (
        "batch",
        "SubmitJob",
        lambda c: c.submit_job(jobName="j", jobQueue="q", jobDefinition="d"),
        Protocol.REST_JSON,
    ),
    ("batch", "DescribeJobs", lambda c: c.describe_jobs(jobs=["j"]), Protocol.REST_JSON),
    ("secretsmanager", "GetSecretValue", lambda c: c.get_secret_value(SecretId="s"), Protocol.JSON),
]


def _captured(service: str, call: Callable[[Any], Any]) -> AwsCall:
    seen: list[AWSPreparedRequest] = []

    def answer(request: AWSPreparedRequest) -> Answer:
        seen.append(request)
        return Answer(500, (("Content-Type", "text/plain"),), b"stop")

    with pytest.raises(Exception):  # noqa: B017, PT011 - the answer is a 500 on purpose
        call(wire_client(service, answer))
    method, path, query, headers, body = split(seen[0])
    is_form = headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    form = {key: values[-1] for key, values in parse_qs(body.decode()).items()} if is_form else None
    return classify(method, path, query, headers, form)


@pytest.mark.parametrize(("service", "operation", "call", "protocol"), CALLS)
def test_botocore_requests_are_read_as_their_service_and_operation(
    service: str, operation: str, call: Callable[[Any], Any], protocol: Protocol
) -> None:
    found = _captured(service, call)

    assert (found.service, found.operation, found.protocol) == (service, operation, protocol)
    assert (found.access_key, found.attempt) == ("local-workload", 1)


def test_a_presigned_url_names_its_signer_and_service() -> None:
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=local-workload%2F20261203%2Feu-west-1%2Fs3%2Faws4_request"
        "&X-Amz-Signature=abc"
    )

    found = classify("GET", "/bucket/key.zip", query, {})

    assert (found.access_key, found.service, found.operation) == (
        "local-workload",
        "s3",
        "GetObject",
    )


def test_an_sdk_retry_is_read_from_amz_sdk_request() -> None:
    found = classify(
        "POST",
        "/",
        "",
        {"x-amz-target": "DynamoDB_20120810.PutItem", "amz-sdk-request": "attempt=3; max=5"},
    )

    assert (found.operation, found.attempt) == ("PutItem", 3)


def test_an_unsigned_request_to_an_unknown_path_has_no_service_or_operation() -> None:
    found = classify("GET", "/nothing/here", "", {})

    assert (found.service, found.operation, found.access_key) == ("", "?", "")
