"""The container IPE launcher against moto's AWS Batch: the job as Batch records it, and a job
Batch refuses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.sox_evidence.adapters.ipe_jobs import BatchIpeJobLauncher, SubmitFailed
from strongroom.sox_evidence.domain.ipe_jobs import IpeJobRequest

pytestmark = pytest.mark.integration

REQUEST = IpeJobRequest(
    ipe_id="IPE_07",
    cutoff_date=date(2024, 1, 31),
    run_id="20240201T080000Z-0a1b2c3d",
    trigger="schedule",
    cutoff_source="default",
    requester="arn:aws:events:eu-west-1:123456789012:rule/SOXAuto-Monthly-Execution",
)


@pytest.fixture
def batch() -> Iterator[tuple[Any, str, str]]:
    """A queue and the IPE job definition (Docker-free Batch: jobs are recorded, none runs)."""
    with mock_aws(config={"batch": {"use_docker": False}}):
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "batch.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = boto3.client("iam").create_role(
            RoleName="batch-service", AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]["Arn"]
        client = boto3.client("batch", region_name="eu-west-1")
        environment = client.create_compute_environment(
            computeEnvironmentName="sox", type="UNMANAGED", state="ENABLED", serviceRole=role
        )["computeEnvironmentArn"]
        queue = client.create_job_queue(
            jobQueueName="SOXAuto-PG01-ipe",
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
        )["jobQueueArn"]
        definition = client.register_job_definition(
            jobDefinitionName="SOXAuto-PG01-ipe",
            type="container",
            containerProperties={
                "image": "strongroom/sox-ipe:latest",
                "command": ["python", "-m", "strongroom.sox_evidence.jobs.ipe", "Ref::ipe_id"],
                "resourceRequirements": [
                    {"type": "VCPU", "value": "1"},
                    {"type": "MEMORY", "value": "4096"},
                ],
            },
        )["jobDefinitionArn"]
        yield client, queue, definition


def test_the_job_carries_the_request_as_its_parameters(batch: tuple[Any, str, str]) -> None:
    client, queue, definition = batch

    submitted = BatchIpeJobLauncher(client, queue, definition).submit(REQUEST)

    [job] = client.describe_jobs(jobs=[submitted.job_id])["jobs"]
    assert job["jobName"] == submitted.job_name == "sox-IPE_07-20240131-20240201T080000Z-0a1b2c3d"
    assert job["jobQueue"] == queue
    assert job["parameters"] == REQUEST.parameters()


def test_a_job_batch_refuses_names_batchs_error(batch: tuple[Any, str, str]) -> None:
    client, queue, definition = batch
    launcher = BatchIpeJobLauncher(client, queue.replace("SOXAuto-PG01-ipe", "missing"), definition)

    with pytest.raises(SubmitFailed, match="Batch refused the job: ClientException"):
        launcher.submit(REQUEST)
