"""A moto server on a loopback port, and boto3 clients pointed at it, as the local stack has."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"  # moto's default account

Clients = Callable[[str], Any]


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def clients(endpoint_url: str) -> Clients:
    created: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in created:
            created[service] = boto3.session.Session().client(
                service,  # type: ignore[call-overload]
                endpoint_url=endpoint_url,
                region_name=REGION,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
        return created[service]

    return client


@pytest.fixture
def unique() -> str:
    """A suffix that keeps each test's resources apart on the shared server."""
    return uuid.uuid4().hex[:8]
