"""moto's DynamoDB and S3, fresh per test: the Restores and Jobs tables, an archive bucket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.core import aws
from tests.integration.deep_archive_api.tables import (
    JOBS_TABLE,
    RESTORES_TABLE,
    create_jobs_table,
    create_restores_table,
)

ARCHIVE_BUCKET = "finance-archive"


@pytest.fixture
def aws_mock() -> Iterator[None]:
    with mock_aws():
        aws.client.cache_clear()
        yield
        aws.client.cache_clear()


@pytest.fixture
def dynamodb(aws_mock: None) -> Any:
    return boto3.client("dynamodb")


@pytest.fixture
def restores_table(dynamodb: Any) -> str:
    create_restores_table(dynamodb)
    return RESTORES_TABLE


@pytest.fixture
def jobs_table(dynamodb: Any) -> str:
    create_jobs_table(dynamodb)
    return JOBS_TABLE


@pytest.fixture
def s3(aws_mock: None) -> Any:
    client = boto3.client("s3")
    client.create_bucket(
        Bucket=ARCHIVE_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    return client
