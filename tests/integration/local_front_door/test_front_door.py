"""The emulator's front door with moto behind it and an in-memory Lambda service: boto3 sees
Lambda's Invoke API, and every other call reaches moto unchanged."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from strongroom.local.emulator import LOCAL_CREDENTIALS, Emulator
from tests.support.in_memory_lambda import ARN_PREFIX, InMemoryLambda
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration
REGION = "eu-west-1"


def _fail(event: Any) -> Any:
    raise ValueError(f"cannot handle {event['name']}")


def _chatty(event: Any) -> str:
    print(f"handling {event['name']}")
    return "done"


@pytest.fixture
def service(tmp_path: Path) -> InMemoryLambda:
    service = InMemoryLambda(tmp_path)
    service.add("echo", lambda event: {"echoed": event}, alias="live")
    service.add("fail", _fail)
    service.add("chatty", _chatty)
    return service


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    emulator = Emulator(REGION)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def log(emulator: Emulator, service: InMemoryLambda) -> Iterator[list[str]]:
    """Routes the test's own service; unrouted after the test, as before the stack routes one."""
    lines: list[str] = []
    emulator.route_invocations(service, log=lines.append, retry_delays=(0, 0))
    yield lines
    emulator.route_invocations(None)


@pytest.fixture
def aws(emulator: Emulator) -> Any:
    def client(service: str) -> Any:
        return boto3.session.Session().client(
            service,  # type: ignore[call-overload]
            endpoint_url=emulator.url,
            region_name=REGION,
            config=Config(retries={"mode": "standard", "max_attempts": 1}),
            **LOCAL_CREDENTIALS,
        )

    return client


def _payload(response: dict[str, Any]) -> Any:
    return json.loads(response["Payload"].read())


@pytest.mark.usefixtures("log")
def test_request_response_returns_the_functions_result(aws: Any) -> None:
    response = aws("lambda").invoke(FunctionName="echo", Payload=b'{"order": 7}')

    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert _payload(response) == {"echoed": {"order": 7}}


@pytest.mark.usefixtures("log")
@pytest.mark.parametrize(
    ("function", "qualifier", "reference"),
    [
        ("echo:live", None, "echo:live"),
        ("echo", "live", "echo:live"),
        (ARN_PREFIX + "echo", None, ARN_PREFIX + "echo"),
        (ARN_PREFIX + "echo:live", None, ARN_PREFIX + "echo:live"),
        ("123456789012:function:echo", "$LATEST", "echo:$LATEST"),
    ],
)
def test_a_function_is_found_by_name_alias_or_arn(
    aws: Any, service: InMemoryLambda, function: str, qualifier: str | None, reference: str
) -> None:
    extra = {"Qualifier": qualifier} if qualifier else {}

    response = aws("lambda").invoke(FunctionName=function, Payload=b"{}", **extra)

    assert _payload(response) == {"echoed": {}}
    assert service.calls[-1].reference == reference


def test_a_function_error_is_unhandled_with_lambdas_payload(aws: Any, log: list[str]) -> None:
    response = aws("lambda").invoke(FunctionName="fail", Payload=b'{"name": "order 7"}')

    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    payload = _payload(response)
    assert (payload["errorType"], payload["errorMessage"]) == (
        "ValueError",
        "cannot handle order 7",
    )
    assert payload["stackTrace"] == []
    assert log[-1].startswith("invoke -> fail error ValueError (")


@pytest.mark.usefixtures("log")
def test_an_unknown_function_is_resource_not_found(aws: Any) -> None:
    with pytest.raises(ClientError) as refused:
        aws("lambda").invoke(FunctionName="nobody", Payload=b"{}")

    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "nobody" in refused.value.response["Error"]["Message"]


@pytest.mark.usefixtures("log")
def test_an_unknown_alias_is_resource_not_found(aws: Any) -> None:
    with pytest.raises(ClientError) as refused:
        aws("lambda").invoke(FunctionName="echo", Qualifier="blue", Payload=b"{}")

    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.usefixtures("log")
def test_a_payload_that_is_not_json_is_invalid_request_content(
    aws: Any, service: InMemoryLambda
) -> None:
    with pytest.raises(ClientError) as refused:
        aws("lambda").invoke(FunctionName="echo", Payload=b"{not json")

    assert refused.value.response["Error"]["Code"] == "InvalidRequestContentException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert service.calls == []


def test_an_event_is_accepted_at_once_and_run_in_the_background(
    aws: Any, service: InMemoryLambda, log: list[str]
) -> None:
    response = aws("lambda").invoke(
        FunctionName="echo", InvocationType="Event", Payload=b'{"order": 8}'
    )

    assert response["StatusCode"] == 202
    assert _payload_bytes(response) == b""
    eventually(lambda: service.calls_of("echo"), timeout=10)
    assert service.calls_of("echo")[0].event == {"order": 8}
    eventually(lambda: any(" ok " in line for line in log), timeout=10)


def test_a_failing_event_is_retried_twice_then_given_up(
    aws: Any, service: InMemoryLambda, log: list[str]
) -> None:
    response = aws("lambda").invoke(
        FunctionName="fail", InvocationType="Event", Payload=b'{"name": "x"}'
    )

    assert response["StatusCode"] == 202
    eventually(lambda: any("given up" in line for line in log), timeout=10)
    assert len(service.calls_of("fail")) == 3


@pytest.mark.usefixtures("log")
def test_a_dry_run_checks_the_function_and_runs_nothing(aws: Any, service: InMemoryLambda) -> None:
    response = aws("lambda").invoke(FunctionName="echo", InvocationType="DryRun")

    assert response["StatusCode"] == 204
    assert service.calls == []
    with pytest.raises(ClientError) as refused:
        aws("lambda").invoke(FunctionName="nobody", InvocationType="DryRun")
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.usefixtures("log")
def test_a_tail_log_type_returns_what_the_function_logged(aws: Any) -> None:
    aws("lambda").invoke(FunctionName="chatty", Payload=b'{"name": "first"}')

    response = aws("lambda").invoke(
        FunctionName="chatty", LogType="Tail", Payload=b'{"name": "second"}'
    )

    assert base64.b64decode(response["LogResult"]) == b"handling second\n"


def test_before_the_runtime_is_routed_invocations_answer_503(aws: Any) -> None:
    with pytest.raises(ClientError) as refused:
        aws("lambda").invoke(FunctionName="echo", Payload=b"{}")

    assert refused.value.response["Error"]["Code"] == "ServiceException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


def test_unrouting_the_runtime_answers_503_again(
    aws: Any, emulator: Emulator, service: InMemoryLambda
) -> None:
    emulator.route_invocations(service, log=lambda _: None)
    emulator.route_invocations(None)

    with pytest.raises(ClientError) as refused:
        aws("lambda").invoke(FunctionName="echo", Payload=b"{}")

    assert refused.value.response["Error"]["Code"] == "ServiceException"
    assert service.calls == []


@pytest.mark.usefixtures("log")
def test_other_calls_pass_to_moto_unchanged(aws: Any) -> None:
    s3 = aws("s3")  # the module's tests share one moto: the bucket is this test's own
    s3.create_bucket(Bucket="front-door", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket="front-door", Key="k", Body=b"v")

    assert s3.get_object(Bucket="front-door", Key="k")["Body"].read() == b"v"
    with pytest.raises(ClientError) as missing:
        aws("lambda").get_function(FunctionName="echo-front-door")  # moto's Lambda answers the rest
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def _payload_bytes(response: dict[str, Any]) -> bytes:
    body: bytes = response["Payload"].read()
    return body
