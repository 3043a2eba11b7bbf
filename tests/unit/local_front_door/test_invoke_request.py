"""Which requests are Lambda invocations, and what they ask for."""

from __future__ import annotations

import json

import pytest

from strongroom.local.front_door.invoke_request import (
    ASYNC_PAYLOAD_LIMIT,
    InvocationType,
    InvokeRefused,
    InvokeRequest,
    invoked_function,
    parse_invoke,
)

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders"


def _parse(
    function: str = "orders",
    *,
    query: str = "",
    invocation_type: str | None = None,
    log_type: str | None = None,
    body: bytes = b"{}",
) -> InvokeRequest:
    return parse_invoke(
        function,
        query_string=query,
        invocation_type=invocation_type,
        log_type=log_type,
        body=body,
    )


@pytest.mark.parametrize(
    ("path", "function"),
    [
        ("/2015-03-31/functions/orders/invocations", "orders"),
        ("/2015-03-31/functions/orders/invocations/", "orders"),
        ("/2015-03-31/functions/orders%3Alive/invocations", "orders:live"),
        (f"/2015-03-31/functions/{ARN}/invocations", ARN),
    ],
)
def test_an_invoke_path_names_the_function(path: str, function: str) -> None:
    assert invoked_function("POST", path) == function


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/2015-03-31/functions/orders/invocations"),
        ("GET", "/2015-03-31/functions/orders"),
        ("POST", "/2015-03-31/functions"),
        ("POST", "/2014-11-13/functions/orders/invoke-async/"),
        ("POST", "/2015-03-31/functions/orders/invocations/extra"),
        ("PUT", "/bucket/2015-03-31/functions/orders/invocations"),
    ],
)
def test_other_requests_are_not_invocations(method: str, path: str) -> None:
    assert invoked_function(method, path) is None


def test_a_request_without_headers_is_a_request_response_invocation() -> None:
    request = _parse(body=b'{"order": 7}')

    assert request == parse_invoke(
        "orders", query_string="", invocation_type=None, log_type=None, body=b'{"order": 7}'
    )
    assert request.invocation_type is InvocationType.REQUEST_RESPONSE
    assert request.event == {"order": 7}
    assert request.tail_log is False


@pytest.mark.parametrize("kind", list(InvocationType))
def test_the_invocation_type_header_is_honoured(kind: InvocationType) -> None:
    assert _parse(invocation_type=kind.value).invocation_type is kind


def test_an_unknown_invocation_type_is_refused() -> None:
    with pytest.raises(InvokeRefused) as refused:
        _parse(invocation_type="Later")

    assert (refused.value.status, refused.value.error_type) == (
        400,
        "InvalidParameterValueException",
    )


@pytest.mark.parametrize("body", [b"", b"  \n"])
def test_an_empty_payload_is_an_empty_object(body: bytes) -> None:
    assert _parse(body=body).event == {}


@pytest.mark.parametrize("payload", ["hello", [1, 2], 3, None])
def test_any_json_value_is_a_payload(payload: object) -> None:
    assert _parse(body=json.dumps(payload).encode()).event == payload


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b'{"a": 1'])
def test_a_payload_that_is_not_json_is_refused(body: bytes) -> None:
    with pytest.raises(InvokeRefused) as refused:
        _parse(body=body)

    assert refused.value.status == 400
    assert refused.value.error_type == "InvalidRequestContentException"
    assert refused.value.message.startswith("Could not parse request body into json")


def test_an_event_payload_above_256_kb_is_refused_but_not_a_synchronous_one() -> None:
    body = json.dumps("x" * ASYNC_PAYLOAD_LIMIT).encode()

    with pytest.raises(InvokeRefused) as refused:
        _parse(invocation_type="Event", body=body)

    assert (refused.value.status, refused.value.error_type) == (413, "RequestTooLargeException")
    assert _parse(body=body).event == "x" * ASYNC_PAYLOAD_LIMIT


@pytest.mark.parametrize(
    ("function", "query", "reference"),
    [
        ("orders", "Qualifier=live", "orders:live"),
        ("orders:live", "", "orders:live"),
        ("orders:live", "Qualifier=live", "orders:live"),
        (ARN, "Qualifier=%24LATEST", f"{ARN}:$LATEST"),
        (f"{ARN}:live", "", f"{ARN}:live"),
        ("123456789012:function:orders", "", "orders"),
        ("123456789012:function:orders:live", "", "orders:live"),
        ("123456789012:function:orders", "Qualifier=live", "orders:live"),
    ],
)
def test_the_qualifier_comes_from_the_name_or_the_query(
    function: str, query: str, reference: str
) -> None:
    assert _parse(function, query=query).function == reference


@pytest.mark.parametrize("function", ["orders:live", f"{ARN}:live"])
def test_a_query_qualifier_that_contradicts_the_name_is_refused(function: str) -> None:
    with pytest.raises(InvokeRefused) as refused:
        _parse(function, query="Qualifier=other")

    assert refused.value.error_type == "InvalidParameterValueException"


@pytest.mark.parametrize(("log_type", "tail"), [(None, False), ("None", False), ("Tail", True)])
def test_the_log_type_asks_for_the_log_tail(log_type: str | None, tail: bool) -> None:
    assert _parse(log_type=log_type).tail_log is tail


def test_an_unknown_log_type_is_refused() -> None:
    with pytest.raises(InvokeRefused) as refused:
        _parse(log_type="Everything")

    assert refused.value.error_type == "InvalidParameterValueException"
