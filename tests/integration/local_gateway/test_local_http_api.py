"""The local HTTP API over real loopback sockets, called as any HTTP client would."""

from __future__ import annotations

import base64
import http.client
import json
import socket
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import pytest

from strongroom.local.gateway.http_api import MAX_PAYLOAD_BYTES, LocalHttpApi
from strongroom.local.gateway.jwt_authorizer import JwtVerifier
from strongroom.local.issuer import LocalIssuer
from strongroom.local.specs import HttpApiSpec, JwtAuthorizerSpec, RouteSpec
from tests.unit.local_gateway.fakes import RecordingInvoker

pytestmark = pytest.mark.integration

ISSUER = "http://127.0.0.1/strongroom"
SPEC = HttpApiSpec(
    system="login_activity",
    logical_id="QueryApi",
    api_id="q1w2e3",
    routes=(
        RouteSpec("GET", "/users/{user_id}/services", "list-services", "Jwt", ("activity/read",)),
        RouteSpec("POST", "/uploads", "upload", "Jwt", ("activity/write",)),
        RouteSpec("GET", "/broken", "broken", "Jwt"),
        RouteSpec("GET", "/session", "session"),
    ),
    authorizers={"Jwt": JwtAuthorizerSpec("Jwt", ISSUER, ("login-activity-api",))},
)


def broken(event: Mapping[str, Any]) -> Any:
    raise ValueError("no such table")


def echo_upload(event: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/octet-stream"},
        "body": event["body"],
        "isBase64Encoded": event["isBase64Encoded"],
    }


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> LocalIssuer:
    return LocalIssuer.load_or_create(tmp_path_factory.mktemp("keys") / "issuer.pem", ISSUER)


@pytest.fixture
def invoker() -> RecordingInvoker:
    return RecordingInvoker(
        {
            "list-services": lambda event: {"userId": event["pathParameters"]["user_id"]},
            "upload": echo_upload,
            "broken": broken,
            "session": lambda event: {
                "statusCode": 204,
                "cookies": ["session=abc; HttpOnly", "theme=dark"],
            },
        }
    )


@pytest.fixture
def invocations() -> list[str]:
    return []


@pytest.fixture
def api(
    issuer: LocalIssuer, invoker: RecordingInvoker, invocations: list[str]
) -> Iterator[LocalHttpApi]:
    verifier = JwtVerifier({ISSUER: issuer.jwks()})
    local_api = LocalHttpApi(
        SPEC,
        invoker,
        verifier,
        region="eu-west-1",
        account_id="123456789012",
        on_invocation=invocations.append,
    )
    with local_api:
        yield local_api


def call(
    api: LocalHttpApi,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    url = urlsplit(api.base_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def read_token(issuer: LocalIssuer) -> str:
    return issuer.mint(audience="login-activity-api", scopes=["activity/read"])


def test_base_url_is_loopback(api: LocalHttpApi) -> None:
    assert api.base_url.startswith("http://127.0.0.1:")


def test_no_token_is_401(api: LocalHttpApi, invoker: RecordingInvoker) -> None:
    status, headers, body = call(api, "GET", "/users/alice/services")

    assert status == 401
    assert json.loads(body) == {"message": "Unauthorized"}
    assert headers["apigw-requestid"]
    assert invoker.calls == []


def test_token_without_the_scope_is_403(
    api: LocalHttpApi, issuer: LocalIssuer, invoker: RecordingInvoker
) -> None:
    token = issuer.mint(audience="login-activity-api", scopes=["activity/write"])

    status, _, body = call(api, "GET", "/users/alice/services", token=token)

    assert status == 403
    assert json.loads(body) == {"message": "Forbidden"}
    assert invoker.calls == []


def test_minted_token_reaches_the_function_with_path_parameters(
    api: LocalHttpApi, issuer: LocalIssuer, invoker: RecordingInvoker, invocations: list[str]
) -> None:
    status, headers, body = call(
        api, "GET", "/users/alice%40example.com/services?since=2024-01-01", token=read_token(issuer)
    )

    assert status == 200
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"userId": "alice@example.com"}
    (event,) = invoker.events_for("list-services")
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /users/{user_id}/services"
    assert event["rawPath"] == "/users/alice%40example.com/services"
    assert event["pathParameters"] == {"user_id": "alice@example.com"}
    assert event["queryStringParameters"] == {"since": "2024-01-01"}
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["requestId"] == headers["apigw-requestid"]
    assert event["requestContext"]["authorizer"]["jwt"]["scopes"] == ["activity/read"]
    assert event["headers"]["x-forwarded-port"] == api.base_url.rsplit(":", 1)[1]
    assert len(invocations) == 1
    assert "-> list-services 200" in invocations[0]


def test_binary_body_travels_base64_both_ways(api: LocalHttpApi, issuer: LocalIssuer) -> None:
    payload = bytes(range(256))
    token = issuer.mint(audience="login-activity-api", scopes=["activity/write"])

    status, headers, body = call(
        api,
        "POST",
        "/uploads",
        token=token,
        body=payload,
        headers={"Content-Type": "application/octet-stream"},
    )

    assert status == 200
    assert headers["content-type"] == "application/octet-stream"
    assert body == payload


def test_response_cookies_become_set_cookie_headers(api: LocalHttpApi) -> None:
    status, headers, body = call(api, "GET", "/session")

    assert status == 204
    assert headers.get_all("set-cookie") == ["session=abc; HttpOnly", "theme=dark"]
    assert body == b""


def test_unknown_route_is_404(api: LocalHttpApi, invoker: RecordingInvoker) -> None:
    status, _, body = call(api, "GET", "/users")

    assert status == 404
    assert json.loads(body) == {"message": "Not Found"}
    assert invoker.calls == []


def test_function_error_is_500(api: LocalHttpApi, issuer: LocalIssuer) -> None:
    status, _, body = call(api, "GET", "/broken", token=read_token(issuer))

    assert status == 500
    assert json.loads(body) == {"message": "Internal Server Error"}


def test_keep_alive_connection_serves_several_requests(
    api: LocalHttpApi, issuer: LocalIssuer
) -> None:
    url = urlsplit(api.base_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        statuses = []
        for path in ("/users", "/session", "/users/bob/services"):
            connection.request("GET", path, headers={"Authorization": read_token(issuer)})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
    finally:
        connection.close()

    assert statuses == [404, 204, 200]


def test_only_loopback_addresses_are_accepted(
    issuer: LocalIssuer, invoker: RecordingInvoker
) -> None:
    verifier = JwtVerifier({ISSUER: issuer.jwks()})

    with pytest.raises(ValueError, match="loopback only"):
        LocalHttpApi(SPEC, invoker, verifier, region="eu-west-1", account_id="1", host="0.0.0.0")


def test_stop_releases_the_port(issuer: LocalIssuer, invoker: RecordingInvoker) -> None:
    local_api = LocalHttpApi(
        SPEC, invoker, JwtVerifier({ISSUER: issuer.jwks()}), region="eu-west-1", account_id="1"
    )
    local_api.start()
    url = urlsplit(local_api.base_url)

    local_api.stop()

    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection(url.hostname or "", url.port, timeout=5).connect()
    with pytest.raises(RuntimeError, match="not started"):
        _ = local_api.base_url


def test_request_body_base64_in_event(
    api: LocalHttpApi, issuer: LocalIssuer, invoker: RecordingInvoker
) -> None:
    token = issuer.mint(audience="login-activity-api", scopes=["activity/write"])

    call(
        api,
        "POST",
        "/uploads",
        token=token,
        body=b"a=1&b=2",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    (event,) = invoker.events_for("upload")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"a=1&b=2"


def raw_exchange(api: LocalHttpApi, head: bytes, body: bytes = b"") -> tuple[int, bytes, bytes]:
    """Send ``head`` (request line and headers) then ``body`` as written; status, head, body."""
    url = urlsplit(api.base_url)
    with socket.create_connection((url.hostname or "", url.port or 0), timeout=10) as sock:
        sock.sendall(head + b"\r\n" + body)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, bytes(answer.headers), answer.read()


def upload_head(issuer: LocalIssuer, *headers: str) -> bytes:
    token = issuer.mint(audience="login-activity-api", scopes=["activity/write"])
    lines = ["POST /uploads HTTP/1.1", "Host: localhost", f"Authorization: Bearer {token}"]
    return "".join(f"{line}\r\n" for line in (*lines, *headers)).encode()


def test_a_body_over_ten_megabytes_is_413_as_api_gateway_answers(
    api: LocalHttpApi, issuer: LocalIssuer, invoker: RecordingInvoker
) -> None:
    """Announced over the limit: refused before the body is read, the connection closed."""
    status, head, body = raw_exchange(
        api, upload_head(issuer, f"Content-Length: {MAX_PAYLOAD_BYTES + 1}")
    )

    assert status == 413
    assert body == b"HTTP content length exceeded 10485760 bytes."
    assert b"connection: close" in head.lower()
    assert invoker.events_for("upload") == []


def test_a_body_of_exactly_ten_megabytes_reaches_the_function(
    api: LocalHttpApi, issuer: LocalIssuer
) -> None:
    token = issuer.mint(audience="login-activity-api", scopes=["activity/write"])
    payload = b"x" * MAX_PAYLOAD_BYTES

    status, _, body = call(api, "POST", "/uploads", token=token, body=payload)

    assert status == 200
    assert len(body) == MAX_PAYLOAD_BYTES


def test_a_chunked_body_over_ten_megabytes_is_413(
    api: LocalHttpApi, issuer: LocalIssuer, invoker: RecordingInvoker
) -> None:
    chunk = b"x" * (1024 * 1024)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(11)) + b"0\r\n\r\n"

    status, _, _ = raw_exchange(api, upload_head(issuer, "Transfer-Encoding: chunked"), chunks)

    assert status == 413
    assert invoker.events_for("upload") == []


@pytest.mark.parametrize(
    "headers",
    [
        ["Content-Length: abc"],
        ["Content-Length: -5"],
        ["Content-Length: +5"],
        ["Content-Length: 5 5"],
        ["Content-Length: 5", "Content-Length: 6"],
        ["Transfer-Encoding: chunked"],
    ],
    ids=["letters", "negative", "plus", "two-numbers", "two-headers", "bad-chunk-size"],
)
def test_a_malformed_length_is_400(
    api: LocalHttpApi, issuer: LocalIssuer, invoker: RecordingInvoker, headers: list[str]
) -> None:
    body = b"zz\r\nhello\r\n0\r\n\r\n" if "chunked" in headers[0] else b"hello"

    status, head, answer = raw_exchange(api, upload_head(issuer, *headers), body)

    assert status == 400
    assert json.loads(answer) == {"message": "Bad Request"}
    assert b"connection: close" in head.lower()
    assert invoker.events_for("upload") == []
