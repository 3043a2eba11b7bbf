"""A moto server on a loopback port, and boto3 clients pointed at it, as the local stack has."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from tests.integration.moto_server import serve_moto

REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"  # moto's default account

Clients = Callable[[str], Any]


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    yield from serve_moto()


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
