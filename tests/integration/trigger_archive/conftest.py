"""moto's S3 and Secrets Manager in-process (``mock_aws``) and the DEX API through respx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.core import aws
from strongroom.trigger_archive import wiring

REGION = "eu-west-1"
BUCKET = "dex-trigger-archive"


@pytest.fixture
def aws_mock() -> Iterator[None]:
    with mock_aws():
        aws.client.cache_clear()
        wiring.settings.cache_clear()
        yield
        aws.client.cache_clear()
        wiring.settings.cache_clear()


@pytest.fixture
def s3(aws_mock: None) -> Any:
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def bucket(s3: Any) -> str:
    """A versioned bucket, as the template makes it."""
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return BUCKET


@pytest.fixture
def secretsmanager(aws_mock: None) -> Any:
    return boto3.client("secretsmanager", region_name=REGION)


def put_secret(secretsmanager: Any, name: str, value: dict[str, Any] | str) -> None:
    text = value if isinstance(value, str) else json.dumps(value)
    secretsmanager.create_secret(Name=name, SecretString=text)
