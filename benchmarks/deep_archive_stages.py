"""What the deep_archive packer benchmark times: GETs, the packing pipeline, the packing job,
each stage alone in memory, and the packing job's RSS in a subprocess.

``python -m benchmarks.deep_archive_stages --rss-child CONFIG`` is the subprocess: it packs one
archive as the job would and writes its RSS samples next to the config.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final, cast

import boto3
import obstore
from botocore import UNSIGNED
from botocore.config import Config
from tests.support.listing import planned

from benchmarks.discarding_clients import DiscardingDynamoDB, DiscardingS3
from benchmarks.nginx_source import (
    NginxServer,
    read_listing,
    unsigned_http_store,
)
from strongroom.deep_archive.adapters.catalog_store import DynamoDBCatalogStore, catalog_item
from strongroom.deep_archive.adapters.in_memory_archive_records import InMemoryArchiveRecords
from strongroom.deep_archive.adapters.in_memory_job_launcher import RecordingJobLauncher
from strongroom.deep_archive.adapters.in_memory_jobs import InMemoryJobStore
from strongroom.deep_archive.adapters.in_memory_manifest_etags import InMemoryManifestEtags
from strongroom.deep_archive.adapters.job_files import JobFiles
from strongroom.deep_archive.adapters.multipart_sink import MultipartArchiveUpload
from strongroom.deep_archive.adapters.object_reader import (
    FetchFailure,
    InMemoryObject,
    ObjectReader,
    ReaderLimits,
    ReaderStats,
)
from strongroom.deep_archive.adapters.source_access import SourceAccess
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.grouping import SourceObject, megabytes
from strongroom.deep_archive.domain.job_records import (
    ArchiveState,
    JobRecord,
    JobSettings,
    JobStatus,
)
from strongroom.deep_archive.domain.parts import part_size_for
from strongroom.deep_archive.domain.projects import DEFAULT_ARCHIVE_SIZE_MB, DEFAULT_FILE_COUNT
from strongroom.deep_archive.domain.zip_writer import ArchiveWriter, ZipSink, already_compressed
from strongroom.deep_archive.services.packer_services import PackerServices

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from obstore.store import S3Store

KIB: Final = 1024
MIB: Final = 1024 * KIB
GIB: Final = 1024 * MIB
SMALL_SIZE: Final = 10 * KIB
LARGE_SIZE: Final = MIB
STREAMED_SIZE: Final = 16 * MIB
"""Above ReaderLimits.in_memory_max (8 MiB): read in ranges and written with add_stream."""
SMALL_BUCKET: Final = "bench-small"
DELAY_MS: Final = 20
"""Added latency of the delayed nginx server: in the range of S3's small-object GET latency."""
ARCHIVE_BUCKET: Final = "bench-archive"
RSS_SAMPLE_SECONDS: Final = 0.02

Level = int | None
"""A deflate level, or None for stored (no compression)."""
DEFAULT_MAX_BYTES: Final = megabytes(DEFAULT_ARCHIVE_SIZE_MB)


@dataclass(frozen=True, slots=True)
class Scale:
    """How many objects each measurement uses; quick mode checks the script in under a minute."""

    quick: bool
    small_objects: int
    large_objects: int
    rss_archive_mib: int
    streamed_objects: int
    repeats: int
    boto3_sample: int
    emulator_small: int
    emulator_large: int
    in_memory_small: int
    in_memory_large: int
    delayed_objects: int
    streamed_only_objects: int

    @classmethod
    def choose(cls, *, quick: bool) -> Scale:
        if quick:
            return cls(
                quick=True,
                small_objects=5_000,
                large_objects=200,
                rss_archive_mib=256,
                streamed_objects=2,
                repeats=1,
                boto3_sample=500,
                emulator_small=1_000,
                emulator_large=20,
                in_memory_small=2_000,
                in_memory_large=50,
                delayed_objects=2_000,
                streamed_only_objects=24,
            )
        return cls(
            quick=False,
            small_objects=50_000,
            large_objects=1_000,
            rss_archive_mib=2_048,
            streamed_objects=8,
            repeats=3,
            boto3_sample=2_000,
            emulator_small=5_000,
            emulator_large=100,
            in_memory_small=10_000,
            in_memory_large=200,
            delayed_objects=10_000,
            streamed_only_objects=64,
        )

    @property
    def one_mib_objects(self) -> int:
        """1 MiB objects on disk: enough for the throughput set and the RSS archive."""
        streamed_mib = self.streamed_objects * STREAMED_SIZE // MIB
        return max(self.large_objects, self.rss_archive_mib - streamed_mib)


@dataclass(frozen=True, slots=True)
class Run:
    """One timed pass: wall time, this process's CPU and nginx's CPU over the same interval."""

    objects: int
    source_bytes: int
    seconds: float
    cpu_seconds: float
    nginx_cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.objects / self.seconds

    @property
    def mib_per_second(self) -> float:
        return self.source_bytes / MIB / self.seconds

    @property
    def cores(self) -> float:
        return self.cpu_seconds / self.seconds

    @property
    def nginx_cores(self) -> float:
        return self.nginx_cpu_seconds / self.seconds


def timed(
    action: Callable[[], object], objects: int, source_bytes: int, nginx: NginxServer | None
) -> Run:
    nginx_before = nginx.worker_cpu_seconds() if nginx else 0.0
    cpu_before = time.process_time()
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    nginx_cpu = (nginx.worker_cpu_seconds() - nginx_before) if nginx else 0.0
    return Run(objects, source_bytes, seconds, cpu, nginx_cpu)


def median_run(runs: Sequence[Run]) -> Run:
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def repeated(times: int, measure: Callable[[], Run]) -> Run:
    return median_run([measure() for _ in range(times)])


def paired(times: int, raw: Callable[[], Run], measure: Callable[[], Run]) -> tuple[Run, float]:
    """The median run of ``measure`` and the median of its rate over ``raw``'s, each pair
    measured back to back, so that load from elsewhere on the machine shifts both alike."""
    runs: list[Run] = []
    ratios: list[float] = []
    for _ in range(times):
        baseline = raw()
        run = measure()
        runs.append(run)
        ratios.append(run.per_second / baseline.per_second)
    return median_run(runs), statistics.median(ratios)


# --- raw GETs --------------------------------------------------------------------------------


def in_threads(keys: Sequence[str], threads: int, get: Callable[[str], int]) -> int:
    """GET every key, each thread taking its own slice (no per-key task overhead)."""

    def worker(share: Sequence[str]) -> int:
        return sum(get(key) for key in share)

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(worker, [keys[start::threads] for start in range(threads)]))


def obstore_gets(store: S3Store, keys: Sequence[str], threads: int) -> int:
    return in_threads(keys, threads, lambda key: len(obstore.get(store, key).bytes()))


def boto3_gets(url: str, bucket: str, keys: Sequence[str], threads: int) -> int:
    config = Config(
        signature_version=UNSIGNED,
        s3={"addressing_style": "path"},
        max_pool_connections=max(threads, 10),
        retries={"mode": "standard", "max_attempts": 3},
    )
    client = boto3.session.Session().client(
        "s3", endpoint_url=url, region_name="us-east-1", config=config
    )

    def get(key: str) -> int:
        return len(client.get_object(Bucket=bucket, Key=key)["Body"].read())

    return in_threads(keys, threads, get)


# --- the packing pipeline --------------------------------------------------------------------


@dataclass
class PipelineResult:
    reader: ReaderStats = field(default_factory=ReaderStats)
    archive_bytes: int = 0
    s3_calls: Counter[str] = field(default_factory=Counter)


def pack_pipeline(
    store: S3Store,
    objects: Sequence[SourceObject],
    level: Level,
    result: PipelineResult,
    limits: ReaderLimits | None = None,
) -> None:
    """Reader -> writer -> multipart sink (bytes dropped after hashing), as the packer wires it."""
    s3 = DiscardingS3()
    total = sum(source.archive_cost for source in objects)
    with (
        ObjectReader(store, limits=limits, conditional=False) as reader,
        MultipartArchiveUpload(
            cast("S3Client", s3),
            ARCHIVE_BUCKET,
            "pipeline.zip",
            storage_class="DEEP_ARCHIVE",
            part_size=part_size_for(total),
        ) as upload,
    ):
        writer = ArchiveWriter(upload, compression_level=level or 0)
        compress = None if level is not None else False
        for fetched in reader.fetch(objects):
            if isinstance(fetched, FetchFailure):
                raise RuntimeError(f"{fetched.planned.key}: {fetched.reason} ({fetched.detail})")
            details = fetched.details
            if isinstance(fetched, InMemoryObject):
                writer.add(
                    details.key, fetched.data, modified=details.last_modified, compress=compress
                )
            else:
                writer.add_stream(
                    details.key,
                    fetched.chunks,
                    modified=details.last_modified,
                    compress=level is not None and not already_compressed(details.key),
                )
        writer.close()
        archive = upload.complete()
    result.reader = reader.stats
    result.archive_bytes = archive.size
    result.s3_calls = s3.calls


# --- the packing job -------------------------------------------------------------------------


def job_record(job_id: str, bucket: str, *, max_files: int, max_bytes: int) -> JobRecord:
    now = datetime.now(UTC)
    settings = JobSettings(
        project="bench",
        bucket=bucket,
        prefix="",
        output_prefix="archives",
        storage_class="DEEP_ARCHIVE",
        max_files=max_files,
        max_bytes=max_bytes,
    )
    return JobRecord(
        job_id=job_id, settings=settings, status=JobStatus.PACKING, created_at=now, updated_at=now
    )


@dataclass
class JobResult:
    archives: int = 0
    members: int = 0
    archive_bytes: int = 0
    catalog_entries: int = 0
    catalog_writes: int = 0


def pack_job(
    s3: S3Client,
    nginx_url: str,
    bucket: str,
    objects: Sequence[SourceObject],
    result: JobResult,
    *,
    max_files: int = DEFAULT_FILE_COUNT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: ReaderLimits | None = None,
) -> None:
    """The packing phase as the Batch job runs it: in-memory job store, the DynamoDB catalog
    store over a client that drops the items."""
    # Imported here: importing the job creates the Powertools logger, which must not exist
    # before the other benchmarks run in the same process have set their log level.
    from strongroom.core.observability import logger  # noqa: PLC0415
    from strongroom.deep_archive.services.packing import pack_archives  # noqa: PLC0415

    logger.setLevel("WARNING")  # a line per archive is noise here
    job_id = f"bench-{time.monotonic_ns()}"
    record = job_record(job_id, bucket, max_files=max_files, max_bytes=max_bytes)
    jobs = InMemoryJobStore()
    jobs.create(record)
    dynamodb = DiscardingDynamoDB()
    catalog = DynamoDBCatalogStore("bench-catalog", cast("DynamoDBClient", dynamodb))
    plans = planned(
        objects,
        max_files=max_files,
        max_bytes=max_bytes,
        output_prefix="archives",
        project="bench",
        run_label=job_id,
    )
    services = PackerServices(
        jobs=jobs,
        catalog=catalog,
        records=InMemoryArchiveRecords(),
        manifests=InMemoryManifestEtags(),
        project_jobs=lambda _project: [],
        files=JobFiles(s3, ARCHIVE_BUCKET),
        s3=s3,
        launcher=RecordingJobLauncher(),
        source_access=lambda settings: SourceAccess(
            s3, unsigned_http_store(nginx_url, settings.bucket)
        ),
        archive_bucket=ARCHIVE_BUCKET,
        reader_limits=limits or ReaderLimits(),
    )
    pack_archives(record, plans, services)
    checkpoints = jobs.list_checkpoints(job_id)
    if len(checkpoints) != len(plans) or any(c.state is not ArchiveState.DONE for c in checkpoints):
        raise RuntimeError(f"not every archive is DONE: {checkpoints}")
    if any(c.failed_keys for c in checkpoints):
        raise RuntimeError(f"objects failed: {[c.failed_keys for c in checkpoints]}")
    result.archives = len(plans)
    result.members = sum(c.members for c in checkpoints)
    result.archive_bytes = sum(c.archive_bytes for c in checkpoints)
    result.catalog_entries = dynamodb.items_written
    result.catalog_writes = dynamodb.calls["BatchWriteItem"]


# --- stages alone ----------------------------------------------------------------------------


class NullSink:
    def write(self, data: bytes | memoryview, /) -> None:
        pass


def write_in_memory(payloads: Sequence[tuple[str, bytes]], level: Level, sink: ZipSink) -> int:
    writer = ArchiveWriter(sink, compression_level=level or 0)
    modified = datetime(2026, 11, 1, tzinfo=UTC)
    compress = None if level is not None else False
    for name, data in payloads:
        writer.add(name, data, modified=modified, compress=compress)
    return writer.close().bytes_written


def write_into_sink(payloads: Sequence[tuple[str, bytes]], level: Level) -> int:
    total = sum(len(data) + 300 for _, data in payloads)
    with MultipartArchiveUpload(
        cast("S3Client", DiscardingS3()),
        ARCHIVE_BUCKET,
        "in-memory.zip",
        storage_class="DEEP_ARCHIVE",
        part_size=part_size_for(total),
    ) as upload:
        write_in_memory(payloads, level, upload)
        return upload.complete().size


def sample_entry(index: int, key: str, size: int) -> CatalogEntry:
    now = datetime.now(UTC)
    return CatalogEntry(
        project="bench",
        source_bucket=SMALL_BUCKET,
        key=key,
        etag=f'"{index:032x}"',
        last_modified=now,
        content_type="application/json",
        size=size,
        archive_bucket=ARCHIVE_BUCKET,
        archive_key="archives/bench/run/part-000000.zip",
        storage_class="DEEP_ARCHIVE",
        header_offset=index * 4000,
        data_offset=index * 4000 + 90,
        compressed_size=size // 3,
        method="deflated",
        crc32=index,
        sha256=hashlib.sha256(key.encode()).hexdigest(),
        job_id="bench",
        archived_at=now,
    )


def catalog_round(payloads: Sequence[tuple[str, bytes]]) -> None:
    """What the job does per member besides zipping: build the entry, write it to the
    manifest, read the manifest back, encode the DynamoDB item."""
    entries = [sample_entry(i, name, len(data)) for i, (name, data) in enumerate(payloads)]
    manifest = b"".join(entry.model_dump_json().encode() + b"\n" for entry in entries)
    for line in manifest.splitlines():
        catalog_item(CatalogEntry.model_validate_json(line))


def hash_all(payloads: Sequence[tuple[str, bytes]], algorithm: str) -> None:
    for _, data in payloads:
        if algorithm == "crc32":
            zlib.crc32(data)
        else:
            hashlib.sha256(data).digest()


def deflate_all(payloads: Sequence[tuple[str, bytes]], level: int) -> int:
    return sum(len(zlib.compress(data, level, wbits=-zlib.MAX_WBITS)) for _, data in payloads)


def deflate_in_threads(payloads: Sequence[tuple[str, bytes]], level: int, threads: int) -> int:
    """Deflate spread over threads, each taking its share: zlib releases the GIL, so this shows
    what compressing members off the writer's thread could gain."""
    shares = [payloads[start::threads] for start in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(partial(deflate_all, level=level), shares))


# --- peak RSS (subprocess) -------------------------------------------------------------------


def proc_status_kib(field_name: str, pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise KeyError(field_name)


def rss_child(config_path: str) -> None:
    """Pack one archive as the job would and record this process's RSS on the way."""
    config = json.loads(Path(config_path).read_text())
    objects = read_listing(Path(config["inventory"]))
    baseline = proc_status_kib("VmRSS")
    s3 = DiscardingS3()
    samples: list[tuple[int, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(RSS_SAMPLE_SECONDS):
            samples.append((s3.part_bytes, proc_status_kib("VmRSS")))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result = JobResult()
    started = time.perf_counter()
    pack_job(
        cast("S3Client", s3),
        config["url"],
        config["bucket"],
        objects,
        result,
        max_files=len(objects),
        max_bytes=4 * GIB,
    )
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    report = {
        "baseline_kib": baseline,
        "peak_kib": proc_status_kib("VmHWM"),
        "samples": samples,
        "members": result.members,
        "archives": result.archives,
        "archive_bytes": result.archive_bytes,
        "source_bytes": sum(source.size for source in objects),
        "seconds": seconds,
    }
    Path(config["result"]).write_text(json.dumps(report))


@dataclass(frozen=True)
class RssReport:
    label: str
    members: int
    source_bytes: int
    archive_bytes: int
    seconds: float
    baseline_kib: int
    peak_kib: int
    upload_peak_kib: int
    at_fraction_kib: dict[float, int]
    per_member: bool
    """Whether growth per member means anything (many small members, not a few large ones)."""


def measure_rss(
    label: str,
    workdir: Path,
    nginx_url: str,
    bucket: str,
    inventory: Path,
    *,
    per_member: bool = False,
) -> RssReport:
    config = workdir / f"rss-{bucket}.json"
    result = workdir / f"rss-{bucket}.result.json"
    config.write_text(
        json.dumps(
            {
                "url": nginx_url,
                "bucket": bucket,
                "inventory": str(inventory),
                "result": str(result),
            }
        )
    )
    repository = Path(__file__).resolve().parents[1]
    environment = {**os.environ, "POWERTOOLS_LOG_LEVEL": "WARNING"}
    subprocess.run(
        [sys.executable, "-m", "benchmarks.deep_archive_stages", "--rss-child", str(config)],
        cwd=repository,
        env=environment,
        check=True,
    )
    report = json.loads(result.read_text())
    samples = [(int(progress), int(rss)) for progress, rss in report["samples"]]
    written = max((progress for progress, _ in samples), default=0) or 1
    at_fraction = {}
    for fraction in (0.25, 0.5, 0.75, 1.0):
        reached = [rss for progress, rss in samples if progress >= fraction * written]
        at_fraction[fraction] = reached[0] if reached else 0
    uploading = [rss for progress, rss in samples if progress < written]
    return RssReport(
        per_member=per_member,
        label=label,
        members=report["members"],
        source_bytes=report["source_bytes"],
        archive_bytes=report["archive_bytes"],
        seconds=report["seconds"],
        baseline_kib=report["baseline_kib"],
        # VmHWM is updated lazily by the kernel; a sample may have caught a higher VmRSS.
        peak_kib=max(report["peak_kib"], max((rss for _, rss in samples), default=0)),
        upload_peak_kib=max(uploading, default=0),
        at_fraction_kib=at_fraction,
    )


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--rss-child":
        raise SystemExit("usage: python -m benchmarks.deep_archive_stages --rss-child CONFIG")
    rss_child(sys.argv[2])
