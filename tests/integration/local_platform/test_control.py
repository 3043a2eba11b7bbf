"""The control endpoint answers only requests with its secret, sent to a loopback Host."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from strongroom.local.control import SECRET_HEADER, ControlServer
from strongroom.local.control_client import ControlError, call
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack

pytestmark = pytest.mark.integration


@pytest.fixture
def control(tmp_path: Path) -> Iterator[ControlServer]:
    stack = SimpleNamespace(
        issuer=None, scheduler=None, stacks=[], options=SimpleNamespace(region="eu-west-1")
    )
    server = ControlServer(cast(LocalStack, stack))
    server.start()
    yield server
    server.stop()


def request(
    control: ControlServer,
    path: str,
    *,
    method: str = "GET",
    host: str | None = None,
    secret: str | None = None,
) -> tuple[int, Any]:
    address = control.url.removeprefix("http://")
    connection = http.client.HTTPConnection(address, timeout=10)
    headers = {} if secret is None else {SECRET_HEADER: secret}
    connection.putrequest(method, path, skip_host=True)
    connection.putheader("Host", address if host is None else host)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", "0")
    connection.endheaders()
    response = connection.getresponse()
    body = json.loads(response.read() or b"null")
    connection.close()
    return response.status, body


@pytest.mark.parametrize("path", ["/resources", "/schedules", "/notifications", "/health"])
def test_every_read_needs_the_secret(control: ControlServer, path: str) -> None:
    status, body = request(control, path)

    assert status == 401
    assert SECRET_HEADER in body["message"]
    assert request(control, path, secret="wrong")[0] == 401


def test_a_read_with_the_secret_is_answered(control: ControlServer) -> None:
    assert request(control, "/resources", secret=control.secret) == (200, [])


@pytest.mark.parametrize(
    "host", ["rebound.example.com", "rebound.example.com:80", "10.0.0.5", "127.0.0.1.nip.io"]
)
def test_a_host_that_is_not_loopback_is_refused_even_with_the_secret(
    control: ControlServer, host: str
) -> None:
    for method, path in (("GET", "/resources"), ("POST", "/schedules/x/run")):
        status, body = request(control, path, method=method, host=host, secret=control.secret)

        assert status == 403
        assert "Host" in body["message"]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:1", "[::1]:8080", "127.1.2.3"])
def test_loopback_hosts_are_accepted(control: ControlServer, host: str) -> None:
    assert request(control, "/resources", host=host, secret=control.secret)[0] == 200


@pytest.mark.parametrize("path", ["/.well-known/jwks.json", "/.well-known/openid-configuration"])
def test_the_issuers_public_documents_need_no_secret(control: ControlServer, path: str) -> None:
    """Public keys, by design: a JWT verifier fetches them without credentials."""
    assert request(control, path)[0] != 401


def test_the_client_sends_the_secret(control: ControlServer) -> None:
    endpoints = cast(
        Endpoints, SimpleNamespace(control_url=control.url, control_secret=control.secret)
    )

    assert call(endpoints, "GET", "/resources") == []
    wrong = cast(Endpoints, SimpleNamespace(control_url=control.url, control_secret="wrong"))
    with pytest.raises(ControlError, match=SECRET_HEADER):
        call(wrong, "GET", "/resources")
