"""moto's DynamoDB with the deep_archive tables and its Batch with a job queue, fresh per test."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.core import aws
from tests.integration.deep_archive_api.tables import DeepArchiveTables, create_deep_archive_tables


@pytest.fixture
def aws_mock() -> Iterator[None]:
    # Docker-free Batch: submitted jobs are accepted and recorded, nothing runs.
    with mock_aws(config={"batch": {"use_docker": False}}):
        aws.client.cache_clear()
        yield
        aws.client.cache_clear()


@pytest.fixture
def dynamodb(aws_mock: None) -> Any:
    return boto3.client("dynamodb")


@pytest.fixture
def tables(dynamodb: Any) -> DeepArchiveTables:
    return create_deep_archive_tables(dynamodb)


@dataclass(frozen=True)
class BatchSetup:
    client: Any
    job_queue: str
    job_definition: str


_BATCH_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "batch.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture
def batch(aws_mock: None) -> BatchSetup:
    """A job queue and the archive job definition, whose command takes ``Ref::job_id``."""
    role = boto3.client("iam").create_role(
        RoleName="batch-service", AssumeRolePolicyDocument=json.dumps(_BATCH_TRUST)
    )["Role"]["Arn"]
    client = boto3.client("batch")
    environment = client.create_compute_environment(
        computeEnvironmentName="deep-archive", type="UNMANAGED", state="ENABLED", serviceRole=role
    )["computeEnvironmentArn"]
    queue = client.create_job_queue(
        jobQueueName="deep-archive",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
    )["jobQueueArn"]
    definition = client.register_job_definition(
        jobDefinitionName="deep-archive",
        type="container",
        containerProperties={
            "image": "strongroom/deep-archive:latest",
            "command": ["python", "-m", "strongroom.deep_archive.jobs", "Ref::job_id"],
            "resourceRequirements": [
                {"type": "VCPU", "value": "1"},
                {"type": "MEMORY", "value": "2048"},
            ],
        },
    )["jobDefinitionArn"]
    return BatchSetup(client, queue, definition)


class AtomicCalls:
    """A DynamoDB client whose calls run one at a time, as DynamoDB applies them per item.

    moto's in-process DynamoDB is not atomic across threads (concurrent ``list_append`` calls
    lose elements), so concurrency tests serialise calls here. Each call stays a single call:
    a store that read, changed and wrote back in separate calls would still lose updates.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()
        self.exceptions = client.exceptions

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name == "get_paginator":
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return call
