"""Files a job keeps next to its archives, in a storage class readable without a restore.

- ``_jobs/<job_id>/plan.jsonl.gz``: one line per archive (its index, key and members), so every
  worker and every rerun packs exactly the planned archives, whatever the source looks like now.
- ``_jobs/<job_id>/plan.json``: the plan's summary (archive count, each worker's index range).
- ``<archive key>.manifest.jsonl``: the catalog entries of one archive, one JSON object per line,
  so the catalog can be rebuilt from the bucket alone.
- ``_catalog/project=<project>/<job_id>-part-NNNNNN.parquet``: the same entries as Parquet
  (decision 0013), every project's under one prefix that Athena's table and DuckDB's dataset read
  as one table, partitioned by project (zips and JSON Lines files stay out of it).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from strongroom.deep_archive.adapters.multipart_sink import put_readable
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.grouping import ArchivePlan, SourceObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

JOBS_PREFIX = "_jobs"
MANIFEST_SUFFIX = ".manifest.jsonl"
CATALOG_PREFIX = "_catalog"
PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet"


class PlanSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    archives: int
    files: int
    bytes: int
    worker_ranges: list[tuple[int, int]]
    """Archive indexes ``[first, end)`` each array worker packs, by array index."""


def plan_key(job_id: str) -> str:
    return f"{JOBS_PREFIX}/{job_id}/plan.jsonl.gz"


def plan_summary_key(job_id: str) -> str:
    return f"{JOBS_PREFIX}/{job_id}/plan.json"


def manifest_key(archive_key: str) -> str:
    return archive_key + MANIFEST_SUFFIX


def parquet_manifest_key(project: str, job_id: str, archive_key: str) -> str:
    """The archive's Parquet manifest (``adapters.parquet_manifest``, decision 0013): named by
    its job and the archive's file name (``part-NNNNNN``), in its project's partition."""
    part = archive_key.rpartition("/")[2].removesuffix(".zip")
    return f"{CATALOG_PREFIX}/project={project}/{job_id}-{part}.parquet"


def plan_line(plan: ArchivePlan) -> bytes:
    members = [
        [
            source.key,
            source.size,
            source.etag,
            source.last_modified.isoformat(),
            source.version_id,
        ]
        for source in plan.objects
    ]
    document = {
        "index": plan.index,
        "archive_key": plan.archive_key,
        "archive_bytes": plan.archive_bytes,
        "oversize": plan.oversize,
        "members": members,
    }
    return json.dumps(document, separators=(",", ":")).encode() + b"\n"


def plan_from_document(document: dict[str, Any]) -> ArchivePlan:
    objects = tuple(
        SourceObject(
            key=key,
            size=size,
            etag=etag,
            last_modified=datetime.fromisoformat(modified),
            version_id=version_id,
        )
        for key, size, etag, modified, version_id in document["members"]
    )
    return ArchivePlan(
        index=document["index"],
        archive_key=document["archive_key"],
        objects=objects,
        total_bytes=sum(source.size for source in objects),
        archive_bytes=document["archive_bytes"],
        oversize=document["oversize"],
    )


class PlanWriter:
    """Compresses plan lines into memory as they come (a line per archive, gzip ~10:1)."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._gzip = gzip.GzipFile(fileobj=self._buffer, mode="wb", mtime=0)

    def add(self, plan: ArchivePlan) -> None:
        self._gzip.write(plan_line(plan))

    def finish(self) -> bytes:
        self._gzip.close()
        return self._buffer.getvalue()


class JobFiles:
    def __init__(self, s3: S3Client, bucket: str) -> None:
        self._s3 = s3
        self.bucket = bucket

    def put_plan(self, job_id: str, compressed_plan: bytes, summary: PlanSummary) -> None:
        put_readable(self._s3, self.bucket, plan_key(job_id), compressed_plan, "application/gzip")
        put_readable(
            self._s3,
            self.bucket,
            plan_summary_key(job_id),
            summary.model_dump_json().encode(),
            "application/json",
        )

    def plan_summary(self, job_id: str) -> PlanSummary | None:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=plan_summary_key(job_id))["Body"]
        except self._s3.exceptions.NoSuchKey:
            return None
        return PlanSummary.model_validate_json(body.read())

    def archives(self, job_id: str, first: int, end: int) -> Iterator[ArchivePlan]:
        """The planned archives with index in ``[first, end)``, streamed from the plan file."""
        body = self._s3.get_object(Bucket=self.bucket, Key=plan_key(job_id))["Body"]
        with gzip.GzipFile(fileobj=body, mode="rb") as lines:
            for line in lines:
                document = json.loads(line)
                if document["index"] >= end:
                    return
                if document["index"] >= first:
                    yield plan_from_document(document)

    def put_manifest_body(self, archive_key: str, body: ManifestBuffer) -> None:
        put_readable(
            self._s3, self.bucket, manifest_key(archive_key), body.finish(), "application/x-ndjson"
        )

    def has_parquet_manifest(self, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def put_parquet_manifest(self, key: str, manifest: bytes) -> None:
        put_readable(
            self._s3,
            self.bucket,
            key,
            manifest,
            PARQUET_CONTENT_TYPE,
            storage_class="STANDARD_IA",
        )

    def iter_manifest(self, archive_key: str) -> Iterator[CatalogEntry]:
        """The manifest's entries, parsed one line at a time as the body streams in."""
        body = self._s3.get_object(Bucket=self.bucket, Key=manifest_key(archive_key))["Body"]
        for line in body.iter_lines():
            if line:
                yield CatalogEntry.model_validate_json(line)


class ManifestBuffer:
    """An archive's manifest as it grows: JSON lines, about 600 bytes per member.

    Kept as text rather than as entry objects, which would cost several times as much memory
    for an archive of tens of thousands of small files.
    """

    def __init__(self) -> None:
        self._body = bytearray()
        self.members = 0
        self.member_bytes = 0

    def add(self, entry: CatalogEntry) -> None:
        self._body += entry.model_dump_json().encode()
        self._body += b"\n"
        self.members += 1
        self.member_bytes += entry.size

    def finish(self) -> bytes:
        return bytes(self._body)
