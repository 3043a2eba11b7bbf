"""The local Lambda runtime runs handlers in worker processes with Lambda's contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from strongroom.local.lambda_runtime.runtime import FunctionNotFound, LocalLambdaRuntime
from strongroom.local.specs import FunctionSpec

MODULE = "tests.unit.local_platform.sample_handlers"
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:"


def _spec(name: str, handler: str, *, timeout: int = 5, alias: str | None = None) -> FunctionSpec:
    return FunctionSpec(
        system="tests",
        logical_id=name.title(),
        name=name,
        arn=ARN + name,
        handler=f"{MODULE}.{handler}",
        environment={"GREETING": f"hello from {name}"},
        timeout_seconds=timeout,
        alias=alias,
        reserved_concurrency=1,
    )


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalLambdaRuntime]:
    specs = [
        _spec("echo", "echo", alias="live"),
        _spec("fail", "fail"),
        _spec("sleepy", "sleep", timeout=1),
        _spec("opaque", "not_json"),
        _spec("missing", "no_such_function"),
    ]
    log_dir: Path = tmp_path_factory.mktemp("logs")
    local = LocalLambdaRuntime(
        specs,
        aws_environment={"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "shared"},
        log_dir=log_dir,
        credentials_for=lambda name: {"AWS_ACCESS_KEY_ID": f"key-of-{name}"},
    )
    yield local
    local.close()


def test_given_an_event_when_invoked_then_the_handler_gets_event_context_and_environment(
    runtime: LocalLambdaRuntime,
) -> None:
    result = runtime.invoke("echo", {"n": 1})

    assert result.ok
    assert result.payload["event"] == {"n": 1}
    assert result.payload["function_name"] == "echo"
    assert result.payload["request_id"] == result.request_id
    assert result.payload["remaining_ms_positive"] is True
    assert result.payload["greeting"] == "hello from echo"
    assert result.payload["access_key"] == "key-of-echo"  # its own, over the shared one


@pytest.mark.parametrize("event", [[1, "two"], "text", 3, None])
def test_given_any_json_value_as_the_event_then_the_handler_gets_it(
    runtime: LocalLambdaRuntime, event: object
) -> None:
    assert runtime.invoke("echo", event).payload["event"] == event


def test_given_a_warm_worker_when_invoked_again_then_the_same_process_serves_it(
    runtime: LocalLambdaRuntime,
) -> None:
    first = runtime.invoke("echo", {})
    second = runtime.invoke("echo", {})

    assert first.payload["pid"] == second.payload["pid"]


def test_given_an_alias_or_arn_when_invoked_then_it_resolves_and_the_context_shows_the_qualifier(
    runtime: LocalLambdaRuntime,
) -> None:
    by_alias = runtime.invoke("echo:live", {})
    by_arn = runtime.invoke(ARN + "echo:live", {})

    assert by_alias.payload["arn"] == ARN + "echo:live"
    assert by_arn.ok


def test_given_an_unknown_alias_when_invoked_then_it_is_not_found(
    runtime: LocalLambdaRuntime,
) -> None:
    with pytest.raises(FunctionNotFound, match="no alias or version prod"):
        runtime.invoke("echo:prod", {})
    with pytest.raises(FunctionNotFound, match="nope"):
        runtime.invoke("nope", {})


def test_given_a_raising_handler_when_invoked_then_the_error_is_the_result(
    runtime: LocalLambdaRuntime,
) -> None:
    result = runtime.invoke("fail", {"name": "poison"})

    assert not result.ok
    assert result.error is not None
    assert result.error.error_type == "ValueError"
    assert result.error.message == "cannot handle poison"


def test_given_a_slow_handler_when_it_passes_its_timeout_then_it_is_killed_and_reported(
    runtime: LocalLambdaRuntime,
) -> None:
    result = runtime.invoke("sleepy", {"seconds": 30})

    assert result.error is not None
    assert result.error.timed_out
    assert result.error.message == "Task timed out after 1.00 seconds"
    assert runtime.invoke("sleepy", {"seconds": 0}).payload == "woke"


def test_given_a_result_that_is_not_json_when_invoked_then_it_is_a_marshal_error(
    runtime: LocalLambdaRuntime,
) -> None:
    result = runtime.invoke("opaque", {})

    assert result.error is not None
    assert result.error.error_type == "Runtime.MarshalError"


def test_given_a_handler_that_cannot_be_imported_then_every_invocation_says_so(
    runtime: LocalLambdaRuntime,
) -> None:
    result = runtime.invoke("missing", {})

    assert result.error is not None
    assert result.error.error_type == "Runtime.ImportModuleError"


def test_handler_output_goes_to_the_function_log(runtime: LocalLambdaRuntime) -> None:
    runtime.invoke("fail", {"name": "logged"})

    assert "cannot handle logged" in runtime.log_path("fail").read_text()
