"""The packing phase: write planned archives, catalog their files, then (if asked) delete sources.

Each archive advances through checkpoints (``ArchiveState``), each step idempotent, so a rerun
after a crash resumes where the archive stood:

1. no checkpoint: stream the members into a multipart upload (any unfinished upload of the same
   key is aborted first), verify size, composite SHA-256 and storage class, write the Parquet
   manifest -> UPLOADED;
2. UPLOADED: read the manifest back and write the archive's record (its key range) -> CATALOGUED;
3. CATALOGUED: delete each source only if it still has the archived ETag -> DONE.

Nothing is deleted before its archive is verified and catalogued. The catalog is the manifests
and the records (decision 0013): no DynamoDB item per file, no JSON Lines manifest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from strongroom.core.observability import logger
from strongroom.deep_archive.adapters.job_files import ManifestBuffer, parquet_manifest_key
from strongroom.deep_archive.adapters.multipart_sink import (
    CompletedArchive,
    MultipartArchiveUpload,
    abort_stale_uploads,
)
from strongroom.deep_archive.adapters.object_reader import (
    FetchFailure,
    FetchResult,
    InMemoryObject,
    ObjectDetails,
    ObjectReader,
    StreamedObject,
)
from strongroom.deep_archive.adapters.parquet_manifest import jsonl_to_parquet, read_stored_manifest
from strongroom.deep_archive.adapters.source_access import SourceAccess
from strongroom.deep_archive.domain.archive_records import archive_record
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.grouping import ArchivePlan
from strongroom.deep_archive.domain.job_records import ArchiveCheckpoint, ArchiveState, JobRecord
from strongroom.deep_archive.domain.parts import part_size_for
from strongroom.deep_archive.domain.zip_writer import (
    ArchiveWriter,
    EncodedMember,
    MemberRecord,
    already_compressed,
    encode_member,
)
from strongroom.deep_archive.services.packer_services import PackerServices

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


COMPRESSION_LEVEL = 6
ENCODE_THREADS = 2
ENCODE_AHEAD = 32
ENCODE_AHEAD_BYTES = 8 * 1024 * 1024
"""Members deflated and hashed ahead of the writer, on threads (zlib and hashlib release the
GIL): the writer's thread alone was the packer's bound (docs/performance.md). The byte bound
keeps the extra memory small next to the reader's look-ahead."""

Encoded = tuple[FetchResult, "Future[EncodedMember] | None"]


@dataclass
class _Packed:
    manifest: ManifestBuffer = field(default_factory=ManifestBuffer)
    failures: list[str] = field(default_factory=list)
    failed_keys: list[str] = field(default_factory=list)
    """Kept apart from the messages: a key may itself contain ": "."""


def pack_archives(
    record: JobRecord, plans: Iterable[ArchivePlan], services: PackerServices
) -> None:
    """Bring every archive in ``plans`` to DONE, resuming from its checkpoint."""
    source = services.source_access(record.settings)
    with (
        ObjectReader(source.store, limits=services.reader_limits) as reader,
        ThreadPoolExecutor(ENCODE_THREADS, "member-encode") as encoders,
    ):
        for plan in plans:
            checkpoint = services.jobs.get_checkpoint(record.job_id, plan.index)
            if checkpoint is None:
                fetched = _encoded_in_order(reader.fetch(plan.objects), encoders)
                checkpoint = _write_archive(record, plan, fetched, services)
            if checkpoint.state is ArchiveState.UPLOADED:
                checkpoint = _catalogue(record, checkpoint, services)
            if checkpoint.state is ArchiveState.CATALOGUED:
                checkpoint = _finish(record, checkpoint, services, source)


def _encoded_in_order(
    results: Iterator[FetchResult], encoders: ThreadPoolExecutor
) -> Iterator[Encoded]:
    """Each result with its member being encoded ahead, in order, within a bounded window.

    A streamed (large) object must be read to its end before the reader is asked for the next
    result, so the window is flushed before one is handed over, and refilled after.
    """
    window: deque[tuple[FetchResult, Future[EncodedMember] | None, int]] = deque()
    held = 0
    for result in results:
        if isinstance(result, StreamedObject):
            while window:
                ahead, future, _ = window.popleft()
                yield ahead, future
            held = 0
            yield result, None
            continue
        if isinstance(result, InMemoryObject):
            future = encoders.submit(
                encode_member, result.details.key, result.data, level=COMPRESSION_LEVEL
            )
            cost = len(result.data)
        else:
            future, cost = None, 0
        window.append((result, future, cost))
        held += cost
        while len(window) > ENCODE_AHEAD or held > ENCODE_AHEAD_BYTES:
            ahead, ahead_future, ahead_cost = window.popleft()
            held -= ahead_cost
            yield ahead, ahead_future
    while window:
        ahead, future, _ = window.popleft()
        yield ahead, future


def _write_archive(
    record: JobRecord, plan: ArchivePlan, fetched: Iterator[Encoded], services: PackerServices
) -> ArchiveCheckpoint:
    settings = record.settings
    bucket = services.archive_bucket
    aborted = abort_stale_uploads(services.s3, bucket, plan.archive_key)
    if aborted:
        logger.info("aborted an unfinished upload", archive_key=plan.archive_key, uploads=aborted)
    packed = _Packed()
    with MultipartArchiveUpload(
        services.s3,
        bucket,
        plan.archive_key,
        storage_class=settings.storage_class,
        part_size=part_size_for(plan.archive_bytes),
        metadata={"strongroom-job-id": record.job_id, "strongroom-project": settings.project},
    ) as upload:
        writer = ArchiveWriter(upload, compression_level=COMPRESSION_LEVEL)
        for result, encoded in fetched:
            if isinstance(result, FetchFailure):
                packed.failures.append(f"{result.planned.key}: {result.reason} ({result.detail})")
                packed.failed_keys.append(result.planned.key)
                continue
            if isinstance(result, InMemoryObject):
                assert encoded is not None
                member = writer.add_encoded(
                    result.details.key, encoded.result(), modified=result.details.last_modified
                )
            else:
                member = writer.add_stream(
                    result.details.key,
                    result.chunks,
                    modified=result.details.last_modified,
                    compress=not already_compressed(result.details.key),
                )
            packed.manifest.add(_entry(record, plan, services, result.details, member))
        if not packed.manifest.members:
            # Nothing readable: no archive (leaving the block without complete() aborts).
            return _record_checkpoint(record, plan, services, packed, archive=None)
        writer.close()
        archive = upload.complete()
    services.files.put_parquet_manifest(
        _manifest_key(record, plan.archive_key), jsonl_to_parquet(packed.manifest.finish())
    )
    logger.info(
        "archive written",
        archive_key=plan.archive_key,
        members=packed.manifest.members,
        failed=len(packed.failures),
        archive_bytes=archive.size,
    )
    return _record_checkpoint(record, plan, services, packed, archive=archive)


def _record_checkpoint(
    record: JobRecord,
    plan: ArchivePlan,
    services: PackerServices,
    packed: _Packed,
    *,
    archive: CompletedArchive | None,
) -> ArchiveCheckpoint:
    if packed.failures:
        services.jobs.append_errors(record.job_id, packed.failures)
    checkpoint = ArchiveCheckpoint(
        index=plan.index,
        archive_key=plan.archive_key,
        manifest_key=_manifest_key(record, plan.archive_key),
        state=ArchiveState.UPLOADED if archive is not None else ArchiveState.DONE,
        members=packed.manifest.members,
        member_bytes=packed.manifest.member_bytes,
        archive_bytes=0 if archive is None else archive.size,
        etag="" if archive is None else archive.etag,
        checksum_sha256="" if archive is None else archive.checksum_sha256,
        failed_keys=packed.failed_keys,
        updated_at=services.clock(),
    )
    services.jobs.put_checkpoint(record.job_id, checkpoint)
    return checkpoint


def _entry(
    record: JobRecord,
    plan: ArchivePlan,
    services: PackerServices,
    details: ObjectDetails,
    member: MemberRecord,
) -> CatalogEntry:
    return CatalogEntry(
        project=record.settings.project,
        source_bucket=record.settings.bucket,
        key=details.key,
        etag=details.etag,
        version_id=details.version_id,
        last_modified=details.last_modified,
        content_type=details.content_type,
        metadata=details.metadata,
        size=details.size,
        archive_bucket=services.archive_bucket,
        archive_key=plan.archive_key,
        storage_class=record.settings.storage_class,
        header_offset=member.header_offset,
        data_offset=member.data_offset,
        compressed_size=member.compressed_size,
        method=member.method,
        crc32=member.crc32,
        sha256=member.sha256,
        job_id=record.job_id,
        archived_at=services.clock(),
    )


def _manifest_key(record: JobRecord, archive_key: str) -> str:
    return parquet_manifest_key(record.settings.project, record.job_id, archive_key)


def _catalogue(
    record: JobRecord, checkpoint: ArchiveCheckpoint, services: PackerServices
) -> ArchiveCheckpoint:
    # From the manifest as stored, not as held in memory: a rerun after a crash has only that.
    manifest_key = _manifest_key(record, checkpoint.archive_key)
    archive = archive_record(
        read_stored_manifest(services.s3, services.archive_bucket, manifest_key), manifest_key
    )
    if archive is not None:
        services.records.put_archive(archive)
    return _store_step(record, checkpoint, services, state=ArchiveState.CATALOGUED)


def _finish(
    record: JobRecord,
    checkpoint: ArchiveCheckpoint,
    services: PackerServices,
    source: SourceAccess,
) -> ArchiveCheckpoint:
    deleted = 0
    if record.settings.delete_source:
        kept: list[str] = []
        manifest_key = _manifest_key(record, checkpoint.archive_key)
        for entry in read_stored_manifest(services.s3, services.archive_bucket, manifest_key):
            if _delete_if_unchanged(source.s3, entry):
                deleted += 1
            else:
                kept.append(f"{entry.key}: changed since archived, source kept")
        if kept:
            services.jobs.append_errors(record.job_id, kept)
    # Live progress only: the finaliser recomputes exact counts from the checkpoints, so a
    # crash between this and the checkpoint cannot leave a count wrong.
    services.jobs.add_counts(
        record.job_id,
        files_archived=checkpoint.members,
        bytes_archived=checkpoint.member_bytes,
        archive_bytes=checkpoint.archive_bytes,
        archives_done=1,
        files_failed=len(checkpoint.failed_keys),
        sources_deleted=deleted,
    )
    return _store_step(
        record, checkpoint, services, state=ArchiveState.DONE, sources_deleted=deleted
    )


def _store_step(
    record: JobRecord, checkpoint: ArchiveCheckpoint, services: PackerServices, **changes: object
) -> ArchiveCheckpoint:
    """The checkpoint with ``changes`` (and the time) stored: the step it names is done."""
    updated = checkpoint.model_copy(update={**changes, "updated_at": services.clock()})
    services.jobs.put_checkpoint(record.job_id, updated)
    return updated


def _delete_if_unchanged(s3: S3Client, entry: CatalogEntry) -> bool:
    """Delete the source only if it is still the archived version (S3 conditional delete)."""
    try:
        s3.delete_object(Bucket=entry.source_bucket, Key=entry.key, IfMatch=entry.etag)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in {"PreconditionFailed", "412"}:
            return False
        if code in {"NoSuchKey", "404"}:
            return True  # already gone: a rerun after a crash mid-deletion
        raise
    return True
