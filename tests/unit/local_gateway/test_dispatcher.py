from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from strongroom.local.gateway.dispatcher import HttpApiDispatcher
from strongroom.local.gateway.events import IncomingRequest
from strongroom.local.gateway.jwt_authorizer import JwtVerifier
from strongroom.local.gateway.responses import GatewayResponse
from strongroom.local.issuer import LocalIssuer
from strongroom.local.specs import HttpApiSpec, JwtAuthorizerSpec, RouteSpec
from tests.unit.local_gateway.fakes import FunctionTimedOut, RecordingInvoker

ISSUER = "http://127.0.0.1/strongroom"
AUTHORIZER = JwtAuthorizerSpec(name="Jwt", issuer=ISSUER, audiences=("records-api",))


def api_spec(stage: str = "$default") -> HttpApiSpec:
    return HttpApiSpec(
        system="records",
        logical_id="RecordsApi",
        api_id="abc123",
        routes=(
            RouteSpec(
                "GET", "/users/{user_id}/services", "list-services", "Jwt", ("records/read",)
            ),
            RouteSpec("POST", "/records", "create-record", "Jwt", ("records/write",)),
            RouteSpec("GET", "/health", "health"),
            RouteSpec("GET", "/broken", "broken"),
            RouteSpec("GET", "/slow", "slow"),
            RouteSpec("GET", "/timeout", "times-out"),
            RouteSpec("GET", "/malformed", "malformed"),
            RouteSpec("GET", "/missing", "not-deployed"),
        ),
        authorizers={"Jwt": AUTHORIZER},
        stage=stage,
    )


def fail(event: Mapping[str, Any]) -> Any:
    raise RuntimeError("boom")


def time_out(event: Mapping[str, Any]) -> Any:
    raise FunctionTimedOut


class Slow:
    """A function that answers only when the test lets it."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, event: Mapping[str, Any]) -> Any:
        self.release.wait(timeout=10)
        return {"statusCode": 200}


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> LocalIssuer:
    return LocalIssuer.load_or_create(tmp_path_factory.mktemp("keys") / "issuer.pem", ISSUER)


@pytest.fixture
def slow() -> Iterator[Slow]:
    function = Slow()
    yield function
    function.release.set()


@pytest.fixture
def invoker(slow: Slow) -> RecordingInvoker:
    return RecordingInvoker(
        {
            "list-services": lambda event: [{"service": "mail", "lastAccess": "2024-01-01"}],
            "create-record": lambda event: {"statusCode": 201, "body": event["body"]},
            "health": lambda event: {"statusCode": 200, "body": "ok"},
            "broken": fail,
            "slow": slow,
            "times-out": time_out,
            "malformed": lambda event: {"statusCode": "OK"},
        }
    )


@pytest.fixture
def log() -> list[str]:
    return []


def make_dispatcher(
    issuer: LocalIssuer, invoker: RecordingInvoker, log: list[str], **options: Any
) -> HttpApiDispatcher:
    return HttpApiDispatcher(
        options.pop("spec", api_spec()),
        invoker,
        JwtVerifier({ISSUER: issuer.jwks()}),
        region="eu-west-1",
        account_id="123456789012",
        on_invocation=log.append,
        **options,
    )


@pytest.fixture
def dispatcher(issuer: LocalIssuer, invoker: RecordingInvoker, log: list[str]) -> HttpApiDispatcher:
    return make_dispatcher(issuer, invoker, log, integration_timeout_seconds=0.2)


def get(
    target: str, *headers: tuple[str, str], method: str = "GET", body: bytes = b""
) -> IncomingRequest:
    return IncomingRequest(
        method=method,
        target=target,
        headers=[("Host", "127.0.0.1:8080"), *headers],
        body=body,
        source_ip="127.0.0.1",
    )


def token_header(issuer: LocalIssuer, *scopes: str) -> tuple[str, str]:
    return ("Authorization", f"Bearer {issuer.mint(audience='records-api', scopes=scopes)}")


def message(response: GatewayResponse) -> str:
    return str(json.loads(response.body)["message"])


def test_authorized_request_reaches_the_function_with_a_2_0_event(
    dispatcher: HttpApiDispatcher, invoker: RecordingInvoker, issuer: LocalIssuer, log: list[str]
) -> None:
    response = dispatcher.handle(
        get("/users/alice/services?limit=2", token_header(issuer, "records/read"))
    )

    assert response.status == 200
    assert json.loads(response.body) == [{"service": "mail", "lastAccess": "2024-01-01"}]
    (event,) = invoker.events_for("list-services")
    assert event["routeKey"] == "GET /users/{user_id}/services"
    assert event["pathParameters"] == {"user_id": "alice"}
    assert event["queryStringParameters"] == {"limit": "2"}
    jwt_context = event["requestContext"]["authorizer"]["jwt"]
    assert jwt_context["claims"]["sub"] == "strongroom-dev"
    assert jwt_context["scopes"] == ["records/read"]
    assert response.header("apigw-requestid") == event["requestContext"]["requestId"]
    (line,) = log
    assert line.startswith("http records.RecordsApi GET /users/alice/services -> list-services")
    assert line.endswith(" ms)")
    assert " 200 (" in line


def test_structured_response_passes_through(
    dispatcher: HttpApiDispatcher, issuer: LocalIssuer
) -> None:
    response = dispatcher.handle(
        get(
            "/records",
            token_header(issuer, "records/write"),
            ("Content-Type", "application/json"),
            method="POST",
            body=b'{"title": "x"}',
        )
    )

    assert response.status == 201
    assert response.body == b'{"title": "x"}'


def test_no_token_is_401_and_the_function_is_not_invoked(
    dispatcher: HttpApiDispatcher, invoker: RecordingInvoker, log: list[str]
) -> None:
    response = dispatcher.handle(get("/users/alice/services"))

    assert response.status == 401
    assert message(response) == "Unauthorized"
    assert response.header("www-authenticate") is None
    assert response.header("apigw-requestid")
    assert invoker.calls == []
    assert log == []


def test_bad_token_is_401_with_a_bearer_challenge(dispatcher: HttpApiDispatcher) -> None:
    response = dispatcher.handle(get("/users/alice/services", ("Authorization", "Bearer x.y.z")))

    assert response.status == 401
    challenge = response.header("www-authenticate") or ""
    assert challenge.startswith('Bearer scope="" error="invalid_token" error_description="')


def test_token_without_the_route_scope_is_403(
    dispatcher: HttpApiDispatcher, invoker: RecordingInvoker, issuer: LocalIssuer
) -> None:
    response = dispatcher.handle(
        get("/users/alice/services", token_header(issuer, "records/write"))
    )

    assert response.status == 403
    assert message(response) == "Forbidden"
    assert invoker.calls == []


def test_open_route_needs_no_token(
    dispatcher: HttpApiDispatcher, invoker: RecordingInvoker
) -> None:
    response = dispatcher.handle(get("/health"))

    assert response.status == 200
    assert response.body == b"ok"
    (event,) = invoker.events_for("health")
    assert "authorizer" not in event["requestContext"]


def test_unknown_route_is_404(dispatcher: HttpApiDispatcher, invoker: RecordingInvoker) -> None:
    for request in (get("/nothing"), get("/health", method="DELETE")):
        response = dispatcher.handle(request)
        assert response.status == 404
        assert message(response) == "Not Found"
    assert invoker.calls == []


def test_function_error_is_500(dispatcher: HttpApiDispatcher, log: list[str]) -> None:
    response = dispatcher.handle(get("/broken"))

    assert response.status == 500
    assert message(response) == "Internal Server Error"
    assert " -> broken 500 " in log[0]


def test_function_timing_out_on_its_own_is_500(dispatcher: HttpApiDispatcher) -> None:
    response = dispatcher.handle(get("/timeout"))

    assert response.status == 500
    assert message(response) == "Internal Server Error"


def test_integration_timeout_is_503(dispatcher: HttpApiDispatcher, slow: Slow) -> None:
    response = dispatcher.handle(get("/slow"))

    assert response.status == 503
    assert message(response) == "Service Unavailable"


def test_malformed_function_response_is_500(dispatcher: HttpApiDispatcher) -> None:
    response = dispatcher.handle(get("/malformed"))

    assert response.status == 500


def test_invoker_failure_is_500(dispatcher: HttpApiDispatcher) -> None:
    response = dispatcher.handle(get("/missing"))  # the fake invoker knows no such function

    assert response.status == 500


def test_named_stage_prefixes_every_path(
    issuer: LocalIssuer, invoker: RecordingInvoker, log: list[str]
) -> None:
    staged = make_dispatcher(issuer, invoker, log, spec=api_spec(stage="dev"))

    assert staged.handle(get("/health")).status == 404
    assert staged.handle(get("/dev/health")).status == 200
    (event,) = invoker.events_for("health")
    assert event["rawPath"] == "/dev/health"
    assert event["requestContext"]["stage"] == "dev"
    assert event["routeKey"] == "GET /health"


def test_route_naming_an_unknown_authorizer_is_rejected(
    issuer: LocalIssuer, invoker: RecordingInvoker, log: list[str]
) -> None:
    spec = HttpApiSpec(
        system="records",
        logical_id="Api",
        api_id="a1",
        routes=(RouteSpec("GET", "/x", "health", "Missing"),),
    )

    with pytest.raises(ValueError, match="authorizer 'Missing'"):
        make_dispatcher(issuer, invoker, log, spec=spec)
