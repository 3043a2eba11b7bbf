"""Restoring an archived object takes time locally, and ends with one Completed notification.

A bare emulator with a tiny stack provisioned from a template body (a queue, its policy, and
a bucket that notifies the queue of completed restores under ``archives/``). The restore
timer reads a clock the test moves, so "in progress" and "restored" are observed without
racing the delay.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
from botocore.exceptions import ClientError

from strongroom.core.localdev import LOCAL_ACCOUNT_ID
from strongroom.local.emulator import Emulator
from strongroom.local.provision.model import Topology
from strongroom.local.provision.provisioner import Environment, provision_stack
from strongroom.local.s3_restore import RestoreDelay
from strongroom.local.stack import LocalStack
from strongroom.local.template.stacks import StackTemplate
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
REGION = "eu-west-1"
BUCKET = "strongroom-restore-fixture-archives"
ARCHIVE = bytes(range(256)) * 8
COMPLETED = "ObjectRestore:Completed"

TEMPLATE = {
    "Resources": {
        "RestoreQueue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 1}},
        "RestoreQueuePolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": "RestoreQueue"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["RestoreQueue", "Arn"]},
                            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{BUCKET}"}},
                        }
                    ],
                },
            },
        },
        "ArchiveBucket": {
            "Type": "AWS::S3::Bucket",
            "DependsOn": "RestoreQueuePolicy",
            "Properties": {
                "BucketName": BUCKET,
                "NotificationConfiguration": {
                    "QueueConfigurations": [
                        {
                            "Event": "s3:ObjectRestore:Completed",
                            "Queue": {"Fn::GetAtt": ["RestoreQueue", "Arn"]},
                            "Filter": {
                                "S3Key": {"Rules": [{"Name": "prefix", "Value": "archives/"}]}
                            },
                        }
                    ]
                },
            },
        },
    }
}


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    emulator = Emulator(REGION)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def queue_url(emulator: Emulator) -> str:
    stack = StackTemplate(system="restore_fixture", path=Path(__file__), body=TEMPLATE)
    provisioned = provision_stack(
        stack, Environment(REGION, LOCAL_ACCOUNT_ID, emulator.client), Topology()
    )
    url: str = provisioned.resources["RestoreQueue"].physical_id
    return url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def restore_delay(clock: ManualClock) -> Iterator[RestoreDelay]:
    delay = RestoreDelay(1.0, clock=clock)
    delay.install()
    yield delay
    delay.uninstall()


def _archive(emulator: Emulator, key: str) -> None:
    emulator.client("s3").put_object(
        Bucket=BUCKET, Key=key, Body=ARCHIVE, StorageClass="DEEP_ARCHIVE"
    )


def _restore(emulator: Emulator, key: str) -> int:
    answer = emulator.client("s3").restore_object(
        Bucket=BUCKET, Key=key, RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}}
    )
    status: int = answer["ResponseMetadata"]["HTTPStatusCode"]
    return status


def _restore_header(emulator: Emulator, key: str) -> str | None:
    header: str | None = emulator.client("s3").head_object(Bucket=BUCKET, Key=key).get("Restore")
    return header


def _error(call: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _completed_keys(emulator: Emulator, queue_url: str) -> list[str]:
    """Drain the queue; the object keys of every Completed event on it."""
    sqs = emulator.client("sqs")
    keys: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        if not messages:
            return keys
        for message in messages:
            body = json.loads(message["Body"])
            keys += [
                unquote_plus(record["s3"]["object"]["key"])
                for record in body.get("Records", [])
                if record["eventName"] == COMPLETED
            ]
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def test_a_restore_is_in_progress_until_the_delay_passes_then_notifies_once(
    emulator: Emulator, queue_url: str, restore_delay: RestoreDelay, clock: ManualClock
) -> None:
    s3 = emulator.client("s3")
    key, unwatched = "archives/job-1/000.zip", "elsewhere/000.zip"
    _completed_keys(emulator, queue_url)  # the test event S3 sends on configuration
    _archive(emulator, key)
    _archive(emulator, unwatched)

    assert _restore(emulator, unwatched) == 202  # first in, so first out of the timer
    assert _restore(emulator, key) == 202
    assert _restore_header(emulator, key) == 'ongoing-request="true"'
    assert _error(lambda: s3.get_object(Bucket=BUCKET, Key=key)) == ("InvalidObjectState", 403)
    assert _error(lambda: _restore(emulator, key)) == ("RestoreAlreadyInProgress", 409)
    assert _completed_keys(emulator, queue_url) == []

    clock.advance(1.0)
    # The timer completes the restore: nobody reads the object until the event has arrived.
    completed = eventually(lambda: _completed_keys(emulator, queue_url), timeout=10)

    assert completed == [key]
    header = _restore_header(emulator, key)
    assert header is not None
    assert header.startswith('ongoing-request="false", expiry-date="')
    ranged = s3.get_object(Bucket=BUCKET, Key=key, Range="bytes=300-339")["Body"].read()
    assert ranged == ARCHIVE[300:340]
    assert s3.get_object(Bucket=BUCKET, Key=unwatched)["Body"].read() == ARCHIVE
    assert restore_delay.in_progress == 0


def test_restoring_a_restored_object_answers_200_and_notifies_no_more(
    emulator: Emulator, queue_url: str, restore_delay: RestoreDelay, clock: ManualClock
) -> None:
    key = "archives/job-2/000.zip"
    _archive(emulator, key)
    _completed_keys(emulator, queue_url)
    _restore(emulator, key)
    clock.advance(1.0)
    assert eventually(lambda: _completed_keys(emulator, queue_url), timeout=10) == [key]

    assert _restore(emulator, key) == 200
    clock.advance(1.0)

    assert restore_delay.complete_due() == 0
    assert _completed_keys(emulator, queue_url) == []


def test_with_no_delay_the_restore_completes_at_once_with_one_event(
    emulator: Emulator, queue_url: str
) -> None:
    key = "archives/job-3/000.zip"
    _archive(emulator, key)
    _completed_keys(emulator, queue_url)
    delay = RestoreDelay(0)
    delay.install()
    try:
        assert _restore(emulator, key) == 202
        assert _completed_keys(emulator, queue_url) == [key]
        assert emulator.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read() == ARCHIVE
    finally:
        delay.uninstall()


def test_a_delay_uninstalled_mid_restore_hands_the_time_left_to_the_one_below(
    emulator: Emulator, queue_url: str, restore_delay: RestoreDelay, clock: ManualClock
) -> None:
    key = "archives/job-4/000.zip"
    _archive(emulator, key)
    _completed_keys(emulator, queue_url)
    inner_clock = ManualClock()
    inner = RestoreDelay(10.0, clock=inner_clock)
    inner.install()
    try:
        assert _restore(emulator, key) == 202
        inner_clock.advance(4.0)
    finally:
        inner.uninstall()

    assert restore_delay.in_progress == 1
    clock.advance(5.0)
    assert restore_delay.complete_due() == 0
    assert _restore_header(emulator, key) == 'ongoing-request="true"'
    clock.advance(1.0)
    assert eventually(lambda: _completed_keys(emulator, queue_url), timeout=10) == [key]


def test_the_local_stack_times_restores_with_its_configured_delay(local_stack: LocalStack) -> None:
    assert local_stack.restore_delay.installed
    assert local_stack.restore_delay.delay_seconds == local_stack.options.restore_delay_seconds
