"""Real botocore clients with no network: each request is captured, each answer is ours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from strongroom.local.front_door.lambda_answers import Answer

ENDPOINT = "http://127.0.0.1:4566"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def wire_client(
    service: str, answer: Callable[[AWSPreparedRequest], Answer], *, attempts: int = 1
) -> Any:
    """A client whose every request is given to ``answer`` instead of the network."""
    client = boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        endpoint_url=ENDPOINT,
        region_name="eu-west-1",
        aws_access_key_id="local-workload",
        aws_secret_access_key="local",
        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}),
    )

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        given = answer(request)
        return AWSResponse(request.url, given.status, dict(given.headers), _Raw(given.body))

    client.meta.events.register("before-send", send)
    return client


def split(request: AWSPreparedRequest) -> tuple[str, str, str, dict[str, str], bytes]:
    """Method, path, query string, lower-case headers and body of a captured request."""
    url = urlsplit(request.url)
    headers = {name.lower(): _text(value) for name, value in request.headers.items()}
    return request.method, url.path, url.query, headers, _bytes(request.body)


def _bytes(body: Any) -> bytes:
    if body is None or isinstance(body, bytes):
        return body or b""
    if isinstance(body, str):
        return body.encode()
    return b""  # a stream (S3 uploads): only query-protocol bodies are read


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
