"""Fault mode on the real emulator: a function's boto3 client meets DynamoDB's throttling and S3's
errors and retries them; the stack's own client is never faulted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from strongroom.local.emulator import (
    LOCAL_CREDENTIALS,
    WORKLOAD_CREDENTIALS,
    Emulator,
    workload_credentials,
)
from strongroom.local.front_door.fault_rules import FaultConfig

pytestmark = pytest.mark.integration
REGION = "eu-west-1"
TABLE = "faults-it"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    emulator = Emulator(REGION)
    emulator.start(log=lambda _line: None)
    emulator.client("dynamodb").create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield emulator
    emulator.stop()


@pytest.fixture
def faults(emulator: Emulator) -> Iterator[Any]:
    def put(*rules: dict[str, Any]) -> None:
        emulator.faults.configure(FaultConfig.model_validate({"seed": 1, "rules": rules}))

    yield put
    emulator.faults.configure(None)


def _workload(emulator: Emulator, service: str, attempts: int) -> Any:
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        endpoint_url=emulator.url,
        region_name=REGION,
        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
        **WORKLOAD_CREDENTIALS,
    )


def test_a_throttled_put_is_retried_and_lands_once(emulator: Emulator, faults: Any) -> None:
    faults({"service": "dynamodb", "operation": "PutItem", "error": "throttle", "max_faults": 2})
    dynamodb = _workload(emulator, "dynamodb", attempts=3)

    response = dynamodb.put_item(TableName=TABLE, Item={"k": {"S": "retried"}})

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    rule = emulator.faults.status()["rules"][0]
    assert (rule["seen"], rule["retries"], rule["faulted"]) == (3, 2, 2)
    stored = emulator.client("dynamodb").get_item(TableName=TABLE, Key={"k": {"S": "retried"}})
    assert stored["Item"] == {"k": {"S": "retried"}}


def test_a_lost_answer_leaves_the_write_done(emulator: Emulator, faults: Any) -> None:
    faults({"service": "dynamodb", "operation": "PutItem", "error": "5xx", "phase": "after"})
    dynamodb = _workload(emulator, "dynamodb", attempts=1)

    with pytest.raises(ClientError) as failed:
        dynamodb.put_item(TableName=TABLE, Item={"k": {"S": "lost-answer"}})

    assert failed.value.response["Error"]["Code"] == "InternalServerError"
    stored = emulator.client("dynamodb").get_item(TableName=TABLE, Key={"k": {"S": "lost-answer"}})
    assert "Item" in stored


def test_the_stacks_own_calls_are_never_faulted(emulator: Emulator, faults: Any) -> None:
    faults({"error": "5xx"})
    stack = boto3.session.Session().client(
        "s3", endpoint_url=emulator.url, region_name=REGION, **LOCAL_CREDENTIALS
    )
    workload = _workload(emulator, "s3", attempts=1)

    stack.create_bucket(
        Bucket="faults-it-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    with pytest.raises(ClientError) as failed:
        workload.head_bucket(Bucket="faults-it-bucket")

    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert emulator.faults.status()["rules"][0]["seen"] == 1


def test_a_rule_aimed_at_one_function_leaves_another_functions_calls_alone(
    emulator: Emulator, faults: Any
) -> None:
    faults({"service": "dynamodb", "principal": "ingest", "error": "denied"})

    def signed_as(function: str) -> Any:
        credentials = workload_credentials(function)
        return boto3.session.Session().client(
            "dynamodb",
            endpoint_url=emulator.url,
            region_name=REGION,
            aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
        )

    signed_as("query").put_item(TableName=TABLE, Item={"k": {"S": "by-query"}})
    with pytest.raises(ClientError) as denied:
        signed_as("ingest").put_item(TableName=TABLE, Item={"k": {"S": "by-ingest"}})

    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert denied.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    rule = emulator.faults.status()["rules"][0]
    assert (rule["seen"], rule["faulted"]) == (1, 1)
