from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.sox_evidence.localdev import generate

RESULTS_BUCKET = "jumia-sox-results"


@pytest.fixture(scope="session")
def nav_bi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20,000-entry stand-in, generated once for the session."""
    path = tmp_path_factory.mktemp("nav_bi") / "nav_bi.sqlite"
    generate(path, rows=20_000)
    return path


@pytest.fixture
def s3() -> Iterator[Any]:
    """moto's S3 with the results bucket, versioned as the template makes it."""
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(
            Bucket=RESULTS_BUCKET,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
        client.put_bucket_versioning(
            Bucket=RESULTS_BUCKET, VersioningConfiguration={"Status": "Enabled"}
        )
        yield client
