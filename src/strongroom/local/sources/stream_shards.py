"""Reading DynamoDB Streams shards in order: listing them, and one cursor per shard."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_dynamodbstreams.type_defs import RecordTypeDef, ShardTypeDef

logger = logging.getLogger(__name__)

StartPosition = Literal["TRIM_HORIZON", "LATEST"]


def list_shards(streams: DynamoDBStreamsClient, stream_arn: str) -> list[ShardTypeDef]:
    """Every shard DescribeStream reports, parents listed before their children."""
    shards: list[ShardTypeDef] = []
    start_after: str | None = None
    while True:
        if start_after is None:
            description = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]
        else:
            description = streams.describe_stream(
                StreamArn=stream_arn, ExclusiveStartShardId=start_after
            )["StreamDescription"]
        shards.extend(description.get("Shards", []))
        start_after = description.get("LastEvaluatedShardId")
        if not start_after:
            return shards


@dataclass
class ShardCursor:
    """Where the runner reads one shard: its iterator and the last sequence number it read.

    An iterator that expired, or failed in any way, is replaced by one after the last record read,
    so nothing is skipped or read twice; a shard without a next iterator is closed (split or
    disabled) and fully read.
    """

    shard_id: str
    parent_shard_id: str | None
    start_position: StartPosition
    iterator: str | None = None
    last_sequence_number: str | None = None
    closed: bool = False

    def open(self, streams: DynamoDBStreamsClient, stream_arn: str) -> None:
        if self.last_sequence_number is None:
            response = streams.get_shard_iterator(
                StreamArn=stream_arn, ShardId=self.shard_id, ShardIteratorType=self.start_position
            )
        else:
            response = streams.get_shard_iterator(
                StreamArn=stream_arn,
                ShardId=self.shard_id,
                ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                SequenceNumber=self.last_sequence_number,
            )
        self.iterator = response.get("ShardIterator")
        self.closed = self.iterator is None

    def read(
        self, streams: DynamoDBStreamsClient, stream_arn: str, limit: int
    ) -> list[RecordTypeDef]:
        for _ in range(2):  # once more with a fresh iterator if the one held had expired
            if self.iterator is None and not self.closed:
                self.open(streams, stream_arn)
            if self.iterator is None:
                return []
            try:
                response = streams.get_records(ShardIterator=self.iterator, Limit=limit)
            except ClientError as error:
                self._recover(error)
                continue
            records = list(response.get("Records", []))
            if records:
                self.last_sequence_number = records[-1]["dynamodb"]["SequenceNumber"]
            self.iterator = response.get("NextShardIterator")
            self.closed = self.iterator is None
            return records
        return []

    def _recover(self, error: ClientError) -> None:
        code = error.response.get("Error", {}).get("Code")
        if code == "ExpiredIteratorException":
            self.iterator = None
            return
        if code == "TrimmedDataAccessException":
            logger.warning(
                "shard %s: records after %s left the stream before they were read",
                self.shard_id,
                self.last_sequence_number,
            )
            self.iterator, self.last_sequence_number = None, None
            self.start_position = "TRIM_HORIZON"
            return
        # Whatever went wrong, the next read starts from a fresh iterator after the last record.
        self.iterator = None
        raise error
