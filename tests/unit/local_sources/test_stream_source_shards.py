"""DynamoDbStreamEventSource against an in-memory stream with several shards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pytest
from botocore.exceptions import ClientError

from strongroom.local.sources.dynamodb_streams import DynamoDbStreamEventSource
from strongroom.local.specs import StreamSourceSpec
from tests.unit.local_sources.fake_streams import STREAM_ARN, FakeShard, FakeStreams
from tests.unit.local_sources.fakes import RecordingInvoker, succeed

MAX_PASSES = 50


def _source(
    streams: FakeStreams,
    invoker: RecordingInvoker,
    *,
    starting_position: Literal["TRIM_HORIZON", "LATEST"] = "TRIM_HORIZON",
    batch_size: int = 10,
    report_batch_item_failures: bool = False,
) -> DynamoDbStreamEventSource:
    spec = StreamSourceSpec(
        function_name="audit-writer",
        stream_arn=STREAM_ARN,
        starting_position=starting_position,
        batch_size=batch_size,
        report_batch_item_failures=report_batch_item_failures,
    )
    return DynamoDbStreamEventSource(
        spec,
        invoker,
        lambda service: streams,
        region="eu-west-1",
        account_id="123456789012",
        retry_delay_seconds=0,
        shard_refresh_seconds=0,
    )


def _drain(source: DynamoDbStreamEventSource) -> None:
    for _ in range(MAX_PASSES):
        if source.poll_once() == 0:
            return
    raise AssertionError("the source kept delivering")


def _keys(invoker: RecordingInvoker) -> list[str]:
    return [record["dynamodb"]["Keys"]["pk"]["S"] for record in invoker.records]


def test_child_shard_is_read_after_its_parent_is_fully_read() -> None:
    parent = FakeShard("shard-parent", 100, closed=True, keys=["p1", "p2", "p3"])
    child = FakeShard("shard-child", 200, parent_shard_id="shard-parent", keys=["c1", "c2"])
    invoker = RecordingInvoker(succeed)
    source = _source(FakeStreams(child, parent), invoker, batch_size=2)

    _drain(source)

    assert _keys(invoker) == ["p1", "p2", "p3", "c1", "c2"]
    assert [len(event["Records"]) for event in invoker.events] == [2, 1, 2]


def test_latest_skips_closed_shards_and_starts_open_ones_at_their_end() -> None:
    closed = FakeShard("shard-old", 100, closed=True, keys=["old"])
    open_shard = FakeShard("shard-new", 200, parent_shard_id="shard-old", keys=["before"])
    streams = FakeStreams(closed, open_shard)
    invoker = RecordingInvoker(succeed)
    source = _source(streams, invoker, starting_position="LATEST")

    _drain(source)
    open_shard.put("after")
    _drain(source)

    assert _keys(invoker) == ["after"]


def test_shards_that_appear_later_are_read_from_their_start() -> None:
    first = FakeShard("shard-1", 100, keys=["before"])
    streams = FakeStreams(first)
    invoker = RecordingInvoker(succeed)
    source = _source(streams, invoker, starting_position="LATEST")
    _drain(source)

    first.put("last-in-parent")
    first.closed = True
    streams.shards.append(FakeShard("shard-2", 200, parent_shard_id="shard-1", keys=["c1", "c2"]))
    _drain(source)

    assert _keys(invoker) == ["last-in-parent", "c1", "c2"]


def test_expired_iterator_resumes_after_the_last_record_read() -> None:
    shard = FakeShard("shard-1", 100, keys=["a", "b"])
    streams = FakeStreams(shard)
    invoker = RecordingInvoker(succeed)
    source = _source(streams, invoker)
    _drain(source)

    streams.expire_next_iterator = True
    shard.put("c")
    source.poll_once()  # the iterator it holds has expired
    shard.put("d")
    _drain(source)

    assert _keys(invoker) == ["a", "b", "c", "d"]


def test_after_a_failed_read_the_next_pass_resumes_after_the_last_record() -> None:
    shard = FakeShard("shard-1", 100, keys=["a"])
    streams = FakeStreams(shard)
    invoker = RecordingInvoker(succeed)
    source = _source(streams, invoker)
    _drain(source)

    streams.break_iterators()
    shard.put("b")
    with pytest.raises(ClientError, match="InternalServerError"):
        source.poll_once()
    _drain(source)

    assert _keys(invoker) == ["a", "b"]


def test_malformed_partial_response_redelivers_the_whole_batch() -> None:
    answers = iter([{"batchItemFailures": [{"itemIdentifier": ""}]}, None])

    def answer(event: Mapping[str, Any]) -> Any:
        return next(answers)

    shard = FakeShard("shard-1", 100, keys=["a", "b", "c"])
    invoker = RecordingInvoker(answer)
    source = _source(FakeStreams(shard), invoker, report_batch_item_failures=True)

    _drain(source)

    assert _keys(invoker) == ["a", "b", "c", "a", "b", "c"]
