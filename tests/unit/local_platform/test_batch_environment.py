"""A Batch job's process signs with its job definition's own credentials, over the stack's."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from strongroom.local.batch.runner import LocalBatchRunner


def test_a_job_signs_with_its_job_definitions_credentials(tmp_path: Path) -> None:
    runner = LocalBatchRunner(
        {"AWS_ACCESS_KEY_ID": "shared", "AWS_REGION": "eu-west-1"},
        tmp_path,
        credentials_for=lambda name: {"AWS_ACCESS_KEY_ID": f"key-of-{name}"},
    )
    job = SimpleNamespace(
        job_id="job-1",
        job_queue=SimpleNamespace(name="queue"),
        job_definition=SimpleNamespace(
            name="packer", container_properties={"environment": [{"name": "X", "value": "1"}]}
        ),
        container_overrides={},
        array_properties={},
    )

    environment = runner._environment(job, attempt=2)

    assert environment["AWS_ACCESS_KEY_ID"] == "key-of-packer"
    assert environment["AWS_REGION"] == "eu-west-1"
    assert (environment["X"], environment["AWS_BATCH_JOB_ATTEMPT"]) == ("1", "2")
