"""SqsEventSource against moto's SQS, served over HTTP as in the local stack."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import SqsModel

from strongroom.local.sources.sqs import SqsEventSource
from strongroom.local.specs import SqsSourceSpec
from tests.integration.local_sources.conftest import REGION, Clients
from tests.unit.local_sources.fakes import RecordingInvoker, fail, succeed

pytestmark = pytest.mark.integration

BOUNDED_WAIT = 15.0  # generous: only reached if the behaviour is broken


def _queue(clients: Clients, name: str, **attributes: str) -> tuple[str, str]:
    sqs = clients("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def _send(clients: Clients, url: str, *bodies: str) -> None:
    for body in bodies:
        clients("sqs").send_message(QueueUrl=url, MessageBody=body)


def _visible_bodies(clients: Clients, url: str) -> list[str]:
    """Every message visible now (the queues here have a visibility timeout of 0)."""
    response = clients("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return sorted(message["Body"] for message in response.get("Messages", []))


def _source(
    clients: Clients,
    url: str,
    arn: str,
    invoker: RecordingInvoker,
    **settings: Any,
) -> SqsEventSource:
    spec = SqsSourceSpec(function_name="ingest", queue_url=url, queue_arn=arn, **settings)
    return SqsEventSource(spec, invoker, clients, region=REGION)


def _fail_bodies(*failing: str) -> Any:
    def handler(event: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "batchItemFailures": [
                {"itemIdentifier": record["messageId"]}
                for record in event["Records"]
                if record["body"] in failing
            ]
        }

    return handler


def test_event_is_lambda_shaped(clients: Clients, unique: str) -> None:
    url, arn = _queue(clients, f"events-{unique}")
    clients("sqs").send_message(
        QueueUrl=url,
        MessageBody='{"user": "u-1"}',
        MessageAttributes={"blob": {"DataType": "Binary", "BinaryValue": b"\x01\x02"}},
    )
    invoker = RecordingInvoker(succeed)

    _source(clients, url, arn, invoker).poll_once()

    (event,) = invoker.events
    (record,) = SqsModel.model_validate(event).Records
    assert record.body == '{"user": "u-1"}'
    assert record.eventSourceARN == arn
    assert record.awsRegion == REGION
    assert record.attributes.ApproximateReceiveCount == "1"
    assert record.messageAttributes["blob"].binaryValue == "AQI="
    assert invoker.function_names == ["ingest"]


def test_partial_failure_deletes_only_the_successes(clients: Clients, unique: str) -> None:
    url, arn = _queue(clients, f"partial-{unique}", VisibilityTimeout="0")
    _send(clients, url, "m0", "m1", "m2", "m3", "m4")
    invoker = RecordingInvoker(_fail_bodies("m1", "m3"))
    lines: list[str] = []
    spec = SqsSourceSpec("ingest", url, arn, report_batch_item_failures=True)
    source = SqsEventSource(spec, invoker, clients, region=REGION, on_invocation=lines.append)

    handled = source.poll_once()

    assert handled == 5
    assert _visible_bodies(clients, url) == ["m1", "m3"]
    assert lines == [f"sqs partial-{unique} -> ingest: 5 records, 2 failed"]


def test_function_error_deletes_nothing(clients: Clients, unique: str) -> None:
    url, arn = _queue(clients, f"error-{unique}", VisibilityTimeout="0")
    _send(clients, url, "m0", "m1", "m2")
    invoker = RecordingInvoker(fail)

    _source(clients, url, arn, invoker, report_batch_item_failures=True).poll_once()

    assert _visible_bodies(clients, url) == ["m0", "m1", "m2"]


def test_malformed_partial_response_deletes_nothing(clients: Clients, unique: str) -> None:
    url, arn = _queue(clients, f"malformed-{unique}", VisibilityTimeout="0")
    _send(clients, url, "m0", "m1")
    invoker = RecordingInvoker(lambda event: {"batchItemFailures": [{"itemIdentifier": "nope"}]})

    _source(clients, url, arn, invoker, report_batch_item_failures=True).poll_once()

    assert _visible_bodies(clients, url) == ["m0", "m1"]


def test_partial_response_is_ignored_unless_the_mapping_enables_it(
    clients: Clients, unique: str
) -> None:
    url, arn = _queue(clients, f"ignored-{unique}", VisibilityTimeout="0")
    _send(clients, url, "m0", "m1")
    invoker = RecordingInvoker(_fail_bodies("m1"))

    _source(clients, url, arn, invoker, report_batch_item_failures=False).poll_once()

    assert _visible_bodies(clients, url) == []


def test_queue_redrives_to_its_dlq_after_max_receive_count(clients: Clients, unique: str) -> None:
    _, dlq_arn = _queue(clients, f"dlq-{unique}")
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url, arn = _queue(clients, f"redrive-{unique}", VisibilityTimeout="0", RedrivePolicy=redrive)
    dlq_url = clients("sqs").get_queue_url(QueueName=f"dlq-{unique}")["QueueUrl"]
    _send(clients, url, "poison")
    invoker = RecordingInvoker(fail)
    source = _source(clients, url, arn, invoker)

    handled = [source.poll_once() for _ in range(3)]

    # Two receives fail; the third finds the receive count spent and SQS moves the message.
    assert handled == [1, 1, 0]
    assert [record["attributes"]["ApproximateReceiveCount"] for record in invoker.records] == [
        "1",
        "2",
    ]
    assert _visible_bodies(clients, dlq_url) == ["poison"]
    assert _visible_bodies(clients, url) == []


def test_batch_size_is_honoured(clients: Clients, unique: str) -> None:
    url, arn = _queue(clients, f"small-{unique}")
    _send(clients, url, *(f"m{index}" for index in range(7)))
    invoker = RecordingInvoker(succeed)
    source = _source(clients, url, arn, invoker, batch_size=3)

    handled = [source.poll_once() for _ in range(4)]

    assert handled == [3, 3, 1, 0]


def test_batches_over_ten_gather_several_receives_within_the_window(
    clients: Clients, unique: str
) -> None:
    url, arn = _queue(clients, f"large-{unique}")
    _send(clients, url, *(f"m{index}" for index in range(20)))
    invoker = RecordingInvoker(succeed)
    source = _source(clients, url, arn, invoker, batch_size=15, maximum_batching_window_seconds=1)

    handled = [source.poll_once(), source.poll_once()]

    assert handled == [15, 5]
    assert sorted(record["body"] for record in invoker.records) == sorted(
        f"m{index}" for index in range(20)
    )


def test_started_pollers_deliver_until_stopped(clients: Clients, unique: str) -> None:
    url, arn = _queue(clients, f"started-{unique}")
    all_delivered = threading.Event()
    seen: list[str] = []
    lock = threading.Lock()

    def handler(event: Mapping[str, Any]) -> None:
        with lock:
            seen.extend(record["body"] for record in event["Records"])
            if len(seen) >= 12:
                all_delivered.set()

    source = _source(clients, url, arn, RecordingInvoker(handler), maximum_concurrency=2)
    source.start()
    try:
        _send(clients, url, *(f"m{index}" for index in range(12)))
        assert all_delivered.wait(BOUNDED_WAIT)
    finally:
        source.stop(timeout=BOUNDED_WAIT)

    assert sorted(seen) == sorted(f"m{index}" for index in range(12))
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("sqs-started")]
    attributes = clients("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "0"
    assert attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_disabled_mapping_does_not_poll(clients: Clients, unique: str) -> None:
    url, arn = _queue(clients, f"disabled-{unique}", VisibilityTimeout="0")
    _send(clients, url, "m0")
    source = _source(clients, url, arn, RecordingInvoker(succeed), enabled=False)

    source.start()
    source.stop()

    assert not [
        thread for thread in threading.enumerate() if thread.name.startswith("sqs-disabled")
    ]
    assert _visible_bodies(clients, url) == ["m0"]
