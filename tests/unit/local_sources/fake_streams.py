"""An in-memory DynamoDB Streams API: several shards, parent and child, and iterators that expire.

moto serves a single shard that never closes, so shard following is tested against this fake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

STREAM_ARN = (
    "arn:aws:dynamodb:eu-west-1:123456789012:table/Configuration/stream/2024-01-01T00:00:00.000"
)


@dataclass
class FakeShard:
    shard_id: str
    first_sequence_number: int
    parent_shard_id: str | None = None
    closed: bool = False
    keys: list[str] = field(default_factory=list)

    def put(self, *keys: str) -> None:
        self.keys.extend(keys)

    def record(self, position: int) -> dict[str, Any]:
        key = self.keys[position]
        return {
            "eventID": f"{self.shard_id}-{position}",
            "eventName": "INSERT",
            "eventVersion": "1.0",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "ApproximateCreationDateTime": datetime.now(tz=UTC),
                "Keys": {"pk": {"S": key}},
                "NewImage": {"pk": {"S": key}},
                "SequenceNumber": str(self.first_sequence_number + position),
                "SizeBytes": 10,
                "StreamViewType": "NEW_IMAGE",
            },
        }


class FakeStreams:
    """Answers DescribeStream (one shard per page), GetShardIterator and GetRecords like the API."""

    def __init__(self, *shards: FakeShard) -> None:
        self.shards = list(shards)
        self._iterators: dict[str, tuple[str, int]] = {}
        self.expire_next_iterator = False
        self._broken: set[str] = set()

    def describe_stream(self, StreamArn: str, ExclusiveStartShardId: str | None = None) -> Any:
        ids = [shard.shard_id for shard in self.shards]
        start = ids.index(ExclusiveStartShardId) + 1 if ExclusiveStartShardId else 0
        page = self.shards[start : start + 1]
        description: dict[str, Any] = {"StreamArn": StreamArn, "Shards": []}
        for shard in page:
            described: dict[str, Any] = {
                "ShardId": shard.shard_id,
                "SequenceNumberRange": {"StartingSequenceNumber": str(shard.first_sequence_number)},
            }
            if shard.closed:
                last = shard.first_sequence_number + len(shard.keys) - 1
                described["SequenceNumberRange"]["EndingSequenceNumber"] = str(last)
            if shard.parent_shard_id:
                described["ParentShardId"] = shard.parent_shard_id
            description["Shards"].append(described)
        if start + 1 < len(self.shards):
            description["LastEvaluatedShardId"] = page[-1].shard_id
        return {"StreamDescription": description}

    def get_shard_iterator(
        self,
        StreamArn: str,
        ShardId: str,
        ShardIteratorType: str,
        SequenceNumber: str | None = None,
    ) -> Any:
        shard = self._shard(ShardId)
        positions = {
            "TRIM_HORIZON": 0,
            "LATEST": len(shard.keys),
            "AT_SEQUENCE_NUMBER": int(SequenceNumber or 0) - shard.first_sequence_number,
            "AFTER_SEQUENCE_NUMBER": int(SequenceNumber or 0) - shard.first_sequence_number + 1,
        }
        return {"ShardIterator": self._iterator(shard, positions[ShardIteratorType])}

    def get_records(self, ShardIterator: str, Limit: int) -> Any:
        if ShardIterator in self._broken:
            raise ClientError(
                {"Error": {"Code": "InternalServerError", "Message": "unknown iterator"}},
                "GetRecords",
            )
        if ShardIterator not in self._iterators:
            raise ClientError(
                {"Error": {"Code": "ExpiredIteratorException", "Message": "Iterator expired"}},
                "GetRecords",
            )
        shard_id, position = self._iterators[ShardIterator]
        shard = self._shard(shard_id)
        end = min(position + Limit, len(shard.keys))
        response: dict[str, Any] = {"Records": [shard.record(at) for at in range(position, end)]}
        if not (shard.closed and end == len(shard.keys)):
            response["NextShardIterator"] = self._iterator(shard, end)
        return response

    def break_iterators(self) -> None:
        """Every iterator issued so far fails from now on, as moto's do once it forgets them."""
        self._broken.update(self._iterators)

    def _iterator(self, shard: FakeShard, position: int) -> str:
        token = f"{shard.shard_id}|{position}|{len(self._iterators)}"
        if self.expire_next_iterator:
            self.expire_next_iterator = False
        else:
            self._iterators[token] = (shard.shard_id, position)
        return token

    def _shard(self, shard_id: str) -> FakeShard:
        return next(shard for shard in self.shards if shard.shard_id == shard_id)
