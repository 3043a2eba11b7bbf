"""moto's S3 on a loopback port, reached by boto3 and by obstore as the packer reaches S3.

obstore is a Rust HTTP client: it cannot see moto's in-process mock, so the server runs for
real (as the local stack runs it) and both clients are pointed at its URL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from obstore.store import S3Store

from strongroom.deep_archive.adapters.obstore_config import s3_store
from tests.integration.moto_server import serve_moto

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REGION = "eu-west-1"


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    yield from serve_moto()


@pytest.fixture(scope="module")
def s3(endpoint_url: str) -> S3Client:
    client: S3Client = boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return client


@pytest.fixture
def bucket(s3: S3Client) -> str:
    """A fresh bucket per test on the shared server."""
    name = f"source-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


StoreFor = Callable[[str], S3Store]


@pytest.fixture
def store_for(endpoint_url: str) -> StoreFor:
    """An obstore store for a bucket, configured from an environment like the local stack's."""

    def build(bucket: str) -> S3Store:
        return s3_store(
            bucket, environment={"AWS_ENDPOINT_URL": endpoint_url, "AWS_REGION": REGION}
        )

    return build
