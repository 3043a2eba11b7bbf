"""Submitting Batch jobs: arguments, array sizes, and how Batch's refusals are reported."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from strongroom.core.settings import SettingsError
from strongroom.deep_archive.adapters.in_memory_job_launcher import RecordingJobLauncher
from strongroom.deep_archive.adapters.job_launcher import (
    BatchJobLauncher,
    BatchSettings,
    LaunchFailed,
    checked_array_size,
)

QUEUE = "arn:aws:batch:eu-west-1:123456789012:job-queue/deep-archive"
DEFINITION = "arn:aws:batch:eu-west-1:123456789012:job-definition/deep-archive:3"


class FakeBatchClient:
    """Answers SubmitJob as Batch does, or fails with a prepared error."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self._error = error

    def submit_job(self, **arguments: Any) -> dict[str, Any]:
        self.calls.append(arguments)
        if self._error is not None:
            raise self._error
        return {"jobId": f"batch-{len(self.calls)}", "jobName": arguments["jobName"]}


def client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "SubmitJob")


def launcher(client: FakeBatchClient) -> BatchJobLauncher:
    return BatchJobLauncher(client, QUEUE, DEFINITION)  # type: ignore[arg-type]


def test_the_planner_is_one_job_named_after_the_archive_job() -> None:
    client = FakeBatchClient()

    batch_job_id = launcher(client).submit("job-1")

    assert batch_job_id == "batch-1"
    assert client.calls == [
        {
            "jobName": "deep-archive-job-1",
            "jobQueue": QUEUE,
            "jobDefinition": DEFINITION,
            "parameters": {"job_id": "job-1"},
        }
    ]


def test_packers_are_an_array_job() -> None:
    client = FakeBatchClient()

    launcher(client).submit("job-1", array_size=7)

    assert client.calls[0]["arrayProperties"] == {"size": 7}


def test_an_array_of_one_is_a_single_job() -> None:
    client = FakeBatchClient()

    launcher(client).submit("job-1", array_size=1)

    assert "arrayProperties" not in client.calls[0]


@pytest.mark.parametrize("size", [0, -1, 10_001])
def test_an_impossible_array_size_is_refused_before_batch(size: int) -> None:
    client = FakeBatchClient()

    with pytest.raises(ValueError, match="array_size"):
        launcher(client).submit("job-1", array_size=size)

    assert client.calls == []


@pytest.mark.parametrize(("size", "expected"), [(None, None), (1, None), (2, 2), (10_000, 10_000)])
def test_checked_array_size(size: int | None, expected: int | None) -> None:
    assert checked_array_size(size) == expected


def test_a_refusal_is_reported_with_batchs_reason_as_permanent() -> None:
    client = FakeBatchClient(client_error("ClientException", "Job queue is DISABLED"))

    with pytest.raises(LaunchFailed) as raised:
        launcher(client).submit("job-1")

    assert raised.value.reason == "ClientException: Job queue is DISABLED"
    assert raised.value.transient is False
    assert raised.value.job_id == "job-1"


def test_throttling_is_reported_as_transient() -> None:
    client = FakeBatchClient(client_error("TooManyRequestsException", "Rate exceeded"))

    with pytest.raises(LaunchFailed) as raised:
        launcher(client).submit("job-1")

    assert raised.value.transient is True


def test_an_unreachable_endpoint_is_reported_as_transient() -> None:
    error = EndpointConnectionError(endpoint_url="https://batch.eu-west-1.amazonaws.com")

    with pytest.raises(LaunchFailed) as raised:
        launcher(FakeBatchClient(error)).submit("job-1")

    assert raised.value.transient is True
    assert "batch.eu-west-1.amazonaws.com" in raised.value.reason


def test_queue_and_definition_come_from_the_environment() -> None:
    settings = BatchSettings.from_environment(
        {"JOB_QUEUE_ARN": QUEUE, "JOB_DEFINITION_ARN": DEFINITION}
    )

    assert (settings.job_queue, settings.job_definition) == (QUEUE, DEFINITION)


def test_a_missing_queue_is_a_clear_configuration_error() -> None:
    with pytest.raises(SettingsError, match="JOB_QUEUE_ARN"):
        BatchSettings.from_environment({"JOB_DEFINITION_ARN": DEFINITION})


def test_the_recording_launcher_records_and_fails_like_batch() -> None:
    recording = RecordingJobLauncher()

    first = recording.submit("job-1")
    second = recording.submit("job-2", array_size=3)
    recording.fail_with = LaunchFailed("job-3", "ClientException: no", transient=False)

    with pytest.raises(LaunchFailed):
        recording.submit("job-3")
    assert [
        (s.job_id, s.job_name, s.array_size, s.batch_job_id) for s in recording.submissions
    ] == [
        ("job-1", "deep-archive-job-1", None, first),
        ("job-2", "deep-archive-job-2", 3, second),
    ]
    assert first != second
