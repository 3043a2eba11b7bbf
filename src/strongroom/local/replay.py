"""Read a DynamoDB stream from its start as Lambda-shaped records, to replay it into a function."""

from __future__ import annotations

from typing import Any

from strongroom.local.sources.stream_records import stream_record


def stream_events(streams: Any, stream_arn: str, region: str) -> list[dict[str, Any]]:
    """Every record still in the stream, shard by shard, in order."""
    records: list[dict[str, Any]] = []
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    for shard in shards:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records.extend(
                dict(stream_record(raw, stream_arn=stream_arn, region=region).event)
                for raw in page["Records"]
            )
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records
