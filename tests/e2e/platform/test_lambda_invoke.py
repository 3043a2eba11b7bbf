"""Lambda's Invoke API on the stack's AWS endpoint runs template functions in the local runtime,
for boto3 and for the AWS CLI, synchronously and as Events."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from tests.e2e.aws_cli import aws_cli
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
ROUTE_EVENT = {"routeKey": "GET /echo/{word}", "pathParameters": {"word": "hello"}}


def _function(local_stack: LocalStack, logical_id: str) -> str:
    """The physical name the stack gave a platform_fixture function."""
    (spec,) = [
        spec
        for spec in local_stack.topology.functions
        if (spec.system, spec.logical_id) == ("platform_fixture", logical_id)
    ]
    return spec.name


def _records(body: str) -> dict[str, Any]:
    """An event for platform_fixture's Consumer, which records each body in the table (Ticker
    would too, but another test reads the table's last tick)."""
    record = {"messageId": "m-1", "body": body, "attributes": {"ApproximateReceiveCount": "1"}}
    return {"Records": [record]}


def _seen(aws: Any, endpoints: Endpoints, item_id: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = (
        aws("dynamodb")
        .get_item(
            TableName=endpoints.outputs["platform_fixture"]["SeenTableName"],
            Key={"id": {"S": item_id}},
            ConsistentRead=True,
        )
        .get("Item")
    )
    return item


def test_boto3_request_response_returns_the_functions_result(
    aws: Any, local_stack: LocalStack
) -> None:
    event = {**ROUTE_EVENT, "requestContext": {}}

    response = aws("lambda").invoke(
        FunctionName=_function(local_stack, "Echo"), Payload=json.dumps(event).encode()
    )

    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert json.loads(response["Payload"].read()) == {
        "word": "hello",
        "route": "GET /echo/{word}",
        "subject": None,
    }


def test_boto3_function_error_is_unhandled_with_the_error_type(
    aws: Any, local_stack: LocalStack, invocation_log: list[str]
) -> None:
    name = _function(local_stack, "Echo")

    response = aws("lambda").invoke(FunctionName=name, Payload=b"{}")  # no requestContext

    assert response["FunctionError"] == "Unhandled"
    payload = json.loads(response["Payload"].read())
    assert payload["errorType"] == "KeyError"
    assert payload["errorMessage"] == "'requestContext'"
    assert any("requestContext" in frame for frame in payload["stackTrace"])
    assert any(line.startswith(f"invoke -> {name} error KeyError") for line in invocation_log)


def test_boto3_event_is_accepted_then_runs_the_function(
    aws: Any, local_stack: LocalStack, endpoints: Endpoints
) -> None:
    body = f"invoke-{uuid.uuid4()}"

    response = aws("lambda").invoke(
        FunctionName=_function(local_stack, "Consumer"),
        InvocationType="Event",
        Payload=json.dumps(_records(body)).encode(),
    )

    assert response["StatusCode"] == 202
    item = eventually(lambda: _seen(aws, endpoints, f"sqs:{body}"))
    assert item["receive_count"] == {"S": "1"}


def test_a_failing_event_is_tried_three_times_then_given_up(
    aws: Any, local_stack: LocalStack, invocation_log: list[str]
) -> None:
    name = _function(local_stack, "Echo")

    response = aws("lambda").invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")

    request_id = response["ResponseMetadata"]["RequestId"]
    attempts = eventually(
        lambda: (
            [line for line in invocation_log if f"(Event {request_id})" in line]
            if any("given up" in line and request_id in line for line in invocation_log)
            else None
        )
    )
    assert [re.search(r"attempt \d of 3", line)[0] for line in attempts] == [  # type: ignore[index]
        "attempt 1 of 3",
        "attempt 2 of 3",
        "attempt 3 of 3",
    ]
    assert all(f"-> {name} error KeyError" in line for line in attempts)


def test_boto3_unknown_function_is_resource_not_found(aws: Any) -> None:
    with pytest.raises(ClientError) as refused:
        aws("lambda").invoke(FunctionName="no-such-function", Payload=b"{}")

    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_cli_invoke_writes_the_result_to_the_outfile(
    endpoints: Endpoints, local_stack: LocalStack, tmp_path: Path
) -> None:
    outfile = tmp_path / "out.json"
    event = json.dumps({**ROUTE_EVENT, "requestContext": {}})

    output = aws_cli(
        endpoints,
        *("lambda", "invoke", "--function-name", _function(local_stack, "Echo")),
        *("--payload", event, str(outfile)),
    )

    assert output == {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
    assert json.loads(outfile.read_text())["word"] == "hello"


def test_cli_function_error_is_reported_and_its_payload_written(
    endpoints: Endpoints, local_stack: LocalStack, tmp_path: Path
) -> None:
    outfile = tmp_path / "out.json"

    output = aws_cli(
        endpoints,
        *("lambda", "invoke", "--function-name", _function(local_stack, "Echo")),
        *("--payload", "{}", str(outfile)),
    )

    assert output["FunctionError"] == "Unhandled"
    assert json.loads(outfile.read_text())["errorType"] == "KeyError"


def test_cli_event_invocation_runs_the_function(
    aws: Any, endpoints: Endpoints, local_stack: LocalStack, tmp_path: Path
) -> None:
    body = f"invoke-{uuid.uuid4()}"

    output = aws_cli(
        endpoints,
        *("lambda", "invoke", "--function-name", _function(local_stack, "Consumer")),
        *("--invocation-type", "Event", "--payload", json.dumps(_records(body))),
        str(tmp_path / "out.json"),
    )

    assert output == {"StatusCode": 202}
    eventually(lambda: _seen(aws, endpoints, f"sqs:{body}"))


def test_cli_unknown_function_fails_naming_the_error(endpoints: Endpoints, tmp_path: Path) -> None:
    with pytest.raises(subprocess.CalledProcessError) as failed:
        aws_cli(
            endpoints,
            *("lambda", "invoke", "--function-name", "no-such-function"),
            *("--payload", "{}", str(tmp_path / "out.json")),
        )

    assert "ResourceNotFoundException" in failed.value.stderr
