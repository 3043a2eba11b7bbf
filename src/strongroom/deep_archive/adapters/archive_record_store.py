"""Archive records in the Catalog table, beside (not instead of, yet) the per-file items.

Two kinds of item, neither in the ``byFileName`` index (they have no ``file_name_key``):

- per archive: ``pk = ARCHIVES#{project}#{bucket}#{job_id}``, ``sk`` = the archive's first key;
- per job: ``pk = JOBS#{project}#{bucket}``, ``sk`` = the job id, with the smallest first key and
  the largest last key of its archives.

Project names are lower case, so these keys never meet a per-file item's ``{project}#...``.
A full key's archives: the jobs whose range holds it, then in each job the archive with the
greatest first key not above it (archives of a job are disjoint, see ``archive_records``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, Self

from botocore.exceptions import ClientError

from strongroom.core import aws
from strongroom.deep_archive.adapters.catalog_store import CatalogTableSettings
from strongroom.deep_archive.adapters.item_codec import attribute, from_item, to_item
from strongroom.deep_archive.domain.archive_records import ArchiveRecord, range_overlaps_prefix

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_KEY_ATTRIBUTES = ("pk", "sk")
MAX_KEY = "\U0010ffff"
"""The last code point: sorts after every key that does not itself start with it."""


class ArchiveRecordStore(Protocol):
    def put_archive(self, record: ArchiveRecord) -> None:
        """Record ``record`` (idempotent) and widen its job's key range to cover it."""
        ...

    def archives_holding(self, project: str, bucket: str, key: str) -> list[ArchiveRecord]:
        """Every archive (at most one per job) whose key range holds ``key``, by job id."""
        ...

    def archives_overlapping(self, project: str, bucket: str, prefix: str) -> list[ArchiveRecord]:
        """Every archive whose key range holds some key starting with ``prefix``, by first key
        (then job id)."""
        ...

    def archives_of_job(self, project: str, bucket: str, job_id: str) -> list[ArchiveRecord]:
        """Every recorded archive of the job, by first key (none for an unmigrated job)."""
        ...

    def recorded_jobs(self, project: str, bucket: str) -> list[str]:
        """The ids of the jobs with at least one recorded archive."""
        ...


def archives_pk(project: str, bucket: str, job_id: str) -> str:
    return f"ARCHIVES#{project}#{bucket}#{job_id}"


def jobs_pk(project: str, bucket: str) -> str:
    return f"JOBS#{project}#{bucket}"


def record_item(record: ArchiveRecord) -> Any:
    return to_item(
        record,
        pk=archives_pk(record.project, record.source_bucket, record.job_id),
        sk=record.first_key,
    )


def record_from_item(item: Any) -> ArchiveRecord:
    values = from_item(item)
    for name in _KEY_ATTRIBUTES:
        values.pop(name, None)
    return ArchiveRecord.model_validate(values)


class DynamoDBArchiveRecords:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table_name = table_name
        self._client: DynamoDBClient = client or aws.client("dynamodb")

    @classmethod
    def from_environment(cls) -> Self:
        return cls(CatalogTableSettings.from_environment().table_name)

    def put_archive(self, record: ArchiveRecord) -> None:
        self._client.put_item(TableName=self._table_name, Item=record_item(record))
        job = {
            "pk": attribute(jobs_pk(record.project, record.source_bucket)),
            "sk": attribute(record.job_id),
        }
        self._widen(job, "first_key", record.first_key, ">")
        self._widen(job, "last_key", record.last_key, "<")

    def _widen(self, job: Any, name: str, value: str, beyond: str) -> None:
        """Set ``name`` to ``value`` unless it already reaches at least as far."""
        try:
            self._client.update_item(
                TableName=self._table_name,
                Key=job,
                UpdateExpression="SET #bound = :value",
                ConditionExpression=f"attribute_not_exists(#bound) OR #bound {beyond} :value",
                ExpressionAttributeNames={"#bound": name},
                ExpressionAttributeValues={":value": attribute(value)},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    def archives_holding(self, project: str, bucket: str, key: str) -> list[ArchiveRecord]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": attribute(jobs_pk(project, bucket))},
            ConsistentRead=True,
        )
        found: list[ArchiveRecord] = []
        for page in pages:
            for job in page["Items"]:
                values = from_item(job)
                if values["first_key"] <= key <= values["last_key"]:
                    record = self._last_starting_at_most(project, bucket, values["sk"], key)
                    if record is not None and record.holds(key):
                        found.append(record)
        return found

    def archives_overlapping(self, project: str, bucket: str, prefix: str) -> list[ArchiveRecord]:
        found: list[ArchiveRecord] = []
        for job in self._jobs(project, bucket):
            # A bound not written yet (the packer stopped between its two updates) limits nothing.
            first, last = job.get("first_key", ""), job.get("last_key", MAX_KEY)
            if not range_overlaps_prefix(first, last, prefix):
                continue
            found += self._job_archives_overlapping(project, bucket, job["sk"], prefix)
        return sorted(found, key=lambda record: (record.first_key, record.job_id))

    def archives_of_job(self, project: str, bucket: str, job_id: str) -> list[ArchiveRecord]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": attribute(archives_pk(project, bucket, job_id))},
            ConsistentRead=True,
        )
        return [record_from_item(item) for page in pages for item in page["Items"]]

    def recorded_jobs(self, project: str, bucket: str) -> list[str]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": attribute(jobs_pk(project, bucket))},
            ProjectionExpression="sk",
            ConsistentRead=True,
        )
        return [str(from_item(item)["sk"]) for page in pages for item in page["Items"]]

    def _jobs(self, project: str, bucket: str) -> list[dict[str, Any]]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": attribute(jobs_pk(project, bucket))},
            ConsistentRead=True,
        )
        return [from_item(item) for page in pages for item in page["Items"]]

    def _job_archives_overlapping(
        self, project: str, bucket: str, job_id: str, prefix: str
    ) -> list[ArchiveRecord]:
        """The job's archive starting at or before ``prefix`` (it may reach into it), then those
        starting inside it: archives of a job are disjoint, so no other can overlap."""
        pk = attribute(archives_pk(project, bucket, job_id))
        if not prefix:  # DynamoDB refuses an empty begins_with; every archive starts inside ""
            return self._archives(
                KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": pk}
            )
        found = []
        straddling = self._last_starting_at_most(project, bucket, job_id, prefix)
        if straddling is not None and straddling.overlaps_prefix(prefix):
            found.append(straddling)
        inside = self._archives(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": pk, ":prefix": attribute(prefix)},
        )
        return found + [record for record in inside if record.first_key != prefix]

    def _archives(self, **query: Any) -> list[ArchiveRecord]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name, ConsistentRead=True, **query
        )
        return [record_from_item(item) for page in pages for item in page["Items"]]

    def _last_starting_at_most(
        self, project: str, bucket: str, job_id: str, key: str
    ) -> ArchiveRecord | None:
        answer = self._client.query(
            TableName=self._table_name,
            KeyConditionExpression="pk = :pk AND sk <= :key",
            ExpressionAttributeValues={
                ":pk": attribute(archives_pk(project, bucket, job_id)),
                ":key": attribute(key),
            },
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )
        items = answer.get("Items", [])
        return record_from_item(items[0]) if items else None
