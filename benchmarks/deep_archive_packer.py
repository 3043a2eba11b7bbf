"""deep_archive packer: objects/s, MiB/s, requests per object and peak RSS, against nginx.

The emulator answers about 200 GETs a second whatever the client, so the source here is nginx
serving files as path-style GETs (``benchmarks.nginx_source``); the key list is an S3
Inventory-style CSV read by the packer's inventory reader. Measured, on the same objects:

1. raw GET rate: obstore's ``get`` in 32 threads (the fastest client), boto3 on a sample;
2. the packing pipeline: ``ObjectReader(conditional=False)`` -> ``ArchiveWriter`` ->
   ``MultipartArchiveUpload`` over an S3 stand-in that drops the bytes but leaves the per-part
   SHA-256 to the sink (``benchmarks.discarding_clients``), at deflate level 6, 1 and stored,
   each pass paired with a raw GET pass for its ratio; then against nginx with 20 ms added
   to each response (echo module), for several GET concurrencies;
3. the whole packing job (``pack_archives``: catalog entries, sidecar manifest, DynamoDB
   catalog store) over stand-in clients, and into the emulator with the real multipart upload;
4. each stage alone, in memory: what bounds the pipeline;
5. peak RSS of a subprocess packing one 2 GiB archive (1 MiB members and 16 MiB streamed ones),
   one of 16 MiB members only and one of many small members, with RSS at 25/50/75% of the way.

What is timed lives in ``benchmarks.deep_archive_stages``, the tables in
``benchmarks.deep_archive_report``.

Run: ``python -m benchmarks deep_archive`` (full, several minutes), or with
``DEEP_ARCHIVE_BENCH_QUICK=1`` (smaller sets, one repeat, a couple of minutes). Needs nginx
(``apt-get install nginx``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final, cast

import boto3
from botocore.config import Config

from benchmarks.deep_archive_report import Results, report
from benchmarks.deep_archive_stages import (
    ARCHIVE_BUCKET,
    DELAY_MS,
    LARGE_SIZE,
    SMALL_BUCKET,
    SMALL_SIZE,
    STREAMED_SIZE,
    JobResult,
    Level,
    NullSink,
    PipelineResult,
    Run,
    Scale,
    boto3_gets,
    catalog_round,
    deflate_all,
    deflate_in_threads,
    hash_all,
    measure_rss,
    obstore_gets,
    pack_job,
    pack_pipeline,
    paired,
    repeated,
    timed,
    write_in_memory,
    write_into_sink,
)
from benchmarks.discarding_clients import DiscardingS3
from benchmarks.nginx_source import (
    NginxServer,
    ObjectSpec,
    TextPool,
    accepts,
    find_nginx,
    free_port,
    process_cpu_seconds,
    read_listing,
    unsigned_http_store,
    write_inventory,
    write_objects,
)
from strongroom.deep_archive.adapters.object_reader import (
    ObjectReader,
    ReaderLimits,
)
from strongroom.deep_archive.domain.grouping import SourceObject
from strongroom.local.emulator import LOCAL_CREDENTIALS

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from obstore.store import S3Store


GET_THREADS: Final = ReaderLimits().max_in_flight
LARGE_BUCKET: Final = "bench-large"
STREAMED_BUCKET: Final = "bench-streamed"
DELAYED_IN_FLIGHT: Final = (32, 64, 128, 256)
QUICK_VARIABLE: Final = "DEEP_ARCHIVE_BENCH_QUICK"
LEVELS: Final[tuple[Level, ...]] = (6, 1, None)


# --- the source ------------------------------------------------------------------------------


@dataclass
class Source:
    nginx: NginxServer
    small: list[SourceObject]
    large: list[SourceObject]
    """1 MiB objects, then the 16 MiB streamed ones (key order)."""

    @property
    def one_mib(self) -> list[SourceObject]:
        return [source for source in self.large if source.size == LARGE_SIZE]

    def store(self, bucket: str) -> S3Store:
        return unsigned_http_store(self.nginx.url, bucket)


def small_specs(count: int) -> list[ObjectSpec]:
    return [
        ObjectSpec(f"records/{i // 1000:03d}/{i:06d}.json", SMALL_SIZE, i) for i in range(count)
    ]


def streamed_specs(count: int) -> list[ObjectSpec]:
    return [ObjectSpec(f"streamed/{i:03d}.json", STREAMED_SIZE, 200_000 + i) for i in range(count)]


def large_specs(scale: Scale) -> list[ObjectSpec]:
    specs = [ObjectSpec(f"blobs/{i:05d}.json", LARGE_SIZE, i) for i in range(scale.one_mib_objects)]
    specs += [
        ObjectSpec(f"blobs/streamed-{i:02d}.json", STREAMED_SIZE, 100_000 + i)
        for i in range(scale.streamed_objects)
    ]
    return specs


def prepare_bucket(root: Path, bucket: str, specs: Sequence[ObjectSpec], pool: TextPool) -> Path:
    """Write the objects and their inventory CSV; the inventory's path."""
    write_objects(root, bucket, specs, pool)
    inventory = root.parent / f"{bucket}.inventory.csv.gz"
    write_inventory(root, bucket, [spec.key for spec in specs], inventory)
    return inventory


# --- the run ---------------------------------------------------------------------------------


def measure_raw(scale: Scale, source: Source, results: Results) -> None:
    nginx = source.nginx
    for label, objects, bucket in (
        ("10 KiB", source.small, SMALL_BUCKET),
        ("1 MiB", source.one_mib[: scale.large_objects], LARGE_BUCKET),
    ):
        keys = [o.key for o in objects]
        size = sum(o.size for o in objects)
        store = source.store(bucket)
        obstore_gets(store, keys[:200], GET_THREADS)  # connections up before timing
        action = partial(obstore_gets, store, keys, GET_THREADS)
        results.raw[f"obstore {label}"] = repeated(
            scale.repeats, partial(timed, action, len(keys), size, nginx)
        )
    sample = [o.key for o in source.small[: scale.boto3_sample]]
    for threads in (1, GET_THREADS):
        results.raw[f"boto3 10 KiB, {threads} threads"] = timed(
            partial(boto3_gets, nginx.url, SMALL_BUCKET, sample, threads),
            len(sample),
            len(sample) * SMALL_SIZE,
            nginx,
        )


def raw_gets(source: Source, bucket: str, objects: Sequence[SourceObject]) -> Callable[[], Run]:
    """One timed pass of obstore GETs of ``objects`` in 32 threads (the fastest client)."""
    keys = [o.key for o in objects]
    action = partial(obstore_gets, source.store(bucket), keys, GET_THREADS)
    return partial(timed, action, len(keys), sum(o.size for o in objects), source.nginx)


def measure_pipeline(scale: Scale, source: Source, results: Results) -> None:
    for label, objects, bucket in (
        ("10 KiB", source.small, SMALL_BUCKET),
        ("1 MiB", source.one_mib[: scale.large_objects], LARGE_BUCKET),
    ):
        store = source.store(bucket)
        size = sum(o.size for o in objects)
        raw = raw_gets(source, bucket, objects)
        for level in LEVELS:
            detail = PipelineResult()
            action = partial(pack_pipeline, store, objects, level, detail)
            run, ratio = paired(
                scale.repeats, raw, partial(timed, action, len(objects), size, source.nginx)
            )
            results.pipeline[(label, level)] = run
            results.pipeline_ratio[(label, level)] = ratio
            results.pipeline_detail[(label, level)] = detail
        results.ratios[label] = size / results.pipeline_detail[(label, 6)].archive_bytes
    streamed = [o for o in source.large if o.size == STREAMED_SIZE][:2]
    detail = PipelineResult()
    pack_pipeline(source.store(LARGE_BUCKET), streamed, 6, detail)
    results.pipeline_detail[("16 MiB", 6)] = detail


def measure_jobs(scale: Scale, source: Source, results: Results) -> None:
    for label, objects, bucket in (
        ("10 KiB", source.small, SMALL_BUCKET),
        ("1 MiB", source.one_mib[: scale.large_objects], LARGE_BUCKET),
    ):
        size = sum(o.size for o in objects)
        s3 = DiscardingS3()
        detail = JobResult()
        action = partial(pack_job, cast("S3Client", s3), source.nginx.url, bucket, objects, detail)
        run, ratio = paired(
            scale.repeats,
            raw_gets(source, bucket, objects),
            partial(timed, action, len(objects), size, source.nginx),
        )
        results.jobs[label] = run
        results.job_ratio[label] = ratio
        calls = Counter({name: count // scale.repeats for name, count in s3.calls.items()})
        results.job_detail[label] = (detail, calls)


def measure_stages(scale: Scale, source: Source, pool: TextPool, results: Results) -> None:
    small = [
        (o.key, pool.whole(i, SMALL_SIZE))
        for i, o in enumerate(source.small[: scale.in_memory_small])
    ]
    large = [
        (o.key, pool.whole(i, LARGE_SIZE))
        for i, o in enumerate(source.one_mib[: scale.in_memory_large])
    ]
    reader_small = source.small[: scale.in_memory_small]
    for label, payloads in (("10 KiB", small), ("1 MiB", large)):
        size = sum(len(data) for _, data in payloads)
        count = len(payloads)
        stages: dict[str, Callable[[], object]] = {
            "deflate level 6 alone": partial(deflate_all, payloads, 6),
            "deflate level 1 alone": partial(deflate_all, payloads, 1),
            "deflate level 6, 2 threads": partial(deflate_in_threads, payloads, 6, 2),
            "SHA-256 alone": partial(hash_all, payloads, "sha256"),
            "CRC-32 alone": partial(hash_all, payloads, "crc32"),
            "writer, level 6, null sink": partial(write_in_memory, payloads, 6, NullSink()),
            "writer, level 1, null sink": partial(write_in_memory, payloads, 1, NullSink()),
            "writer, stored, null sink": partial(write_in_memory, payloads, None, NullSink()),
            "writer, level 6, multipart sink": partial(write_into_sink, payloads, 6),
            "writer, stored, multipart sink": partial(write_into_sink, payloads, None),
            "catalog entry + manifest line + item": partial(catalog_round, payloads),
        }
        for stage, action in stages.items():
            results.stages[(stage, label)] = repeated(
                scale.repeats, partial(timed, action, count, size, None)
            )
    store = source.store(SMALL_BUCKET)
    size = len(reader_small) * SMALL_SIZE

    def drain() -> None:
        with ObjectReader(store, conditional=False) as reader:
            for _ in reader.fetch(reader_small):
                pass

    results.stages[("reader alone against nginx (fetch, drop)", "10 KiB")] = repeated(
        scale.repeats, lambda: timed(drain, len(reader_small), size, source.nginx)
    )


class EmulatorProcess:
    """moto's server in its own process, as under ``strongroom up`` the packer job and the
    emulator are separate processes (in-process, the emulator would share the packer's GIL)."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> EmulatorProcess:
        self.port = free_port()
        log = (self._workdir / "moto.log").open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while not accepts(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((self._workdir / "moto.log").read_text())
            time.sleep(0.1)
        return self

    def __exit__(self, *_: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self._process.pid) if self._process else 0.0

    def s3_client(self) -> S3Client:
        client: S3Client = boto3.session.Session().client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.port}",
            region_name="us-east-1",
            config=Config(retries={"mode": "standard", "max_attempts": 3}, read_timeout=70),
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
        )
        return client


def measure_delayed(scale: Scale, source: Source, results: Results) -> None:
    """Raw GETs and the pipeline against the delayed server, for several in-flight counts."""
    url = source.nginx.delayed_url
    if url is None:
        return
    store = unsigned_http_store(url, SMALL_BUCKET)
    objects = source.small[: scale.delayed_objects]
    keys = [o.key for o in objects]
    size = len(objects) * SMALL_SIZE
    for in_flight in DELAYED_IN_FLIGHT:
        raw = timed(partial(obstore_gets, store, keys, in_flight), len(keys), size, source.nginx)
        limits = ReaderLimits(max_in_flight=in_flight, window=max(64, 2 * in_flight))
        action = partial(pack_pipeline, store, objects, 6, PipelineResult(), limits)
        results.delayed[in_flight] = (raw, timed(action, len(objects), size, source.nginx))


def measure_emulator(scale: Scale, source: Source, workdir: Path, results: Results) -> None:
    with EmulatorProcess(workdir) as emulator:
        s3 = emulator.s3_client()
        s3.create_bucket(Bucket=ARCHIVE_BUCKET)
        calls: Counter[str] = Counter()

        def count(event_name: str, **_: object) -> None:
            calls[event_name.rsplit(".", 1)[-1]] += 1

        s3.meta.events.register("before-call.s3", count)
        for label, objects, bucket in (
            ("10 KiB", source.small[: scale.emulator_small], SMALL_BUCKET),
            ("1 MiB", source.one_mib[: scale.emulator_large], LARGE_BUCKET),
        ):
            calls.clear()
            detail = JobResult()
            emulator_before = emulator.cpu_seconds()
            run = timed(
                partial(pack_job, s3, source.nginx.url, bucket, objects, detail),
                len(objects),
                sum(o.size for o in objects),
                source.nginx,
            )
            emulator_cores = (emulator.cpu_seconds() - emulator_before) / run.seconds
            results.emulator[label] = (run, emulator_cores, Counter(calls))


def run(*, quick: bool | None = None) -> str:
    if quick is None:
        quick = os.environ.get(QUICK_VARIABLE, "") not in {"", "0", "false"}
    scale = Scale.choose(quick=quick)
    find_nginx()  # fail before writing gigabytes if it is missing
    workdir = Path(tempfile.mkdtemp(prefix="strongroom-da-bench-"))
    workdir.chmod(0o755)  # nginx's workers run unprivileged
    root = workdir / "root"
    results = Results()
    try:
        pool = TextPool()
        small_inventory = prepare_bucket(root, SMALL_BUCKET, small_specs(scale.small_objects), pool)
        large_inventory = prepare_bucket(root, LARGE_BUCKET, large_specs(scale), pool)
        streamed = streamed_specs(scale.streamed_only_objects)
        streamed_inventory = prepare_bucket(root, STREAMED_BUCKET, streamed, pool)
        with NginxServer(root, workdir, delay_ms=DELAY_MS) as nginx:
            source = Source(nginx, read_listing(small_inventory), read_listing(large_inventory))
            measure_raw(scale, source, results)
            measure_pipeline(scale, source, results)
            measure_jobs(scale, source, results)
            measure_stages(scale, source, pool, results)
            measure_emulator(scale, source, workdir, results)
            measure_delayed(scale, source, results)
            results.rss.append(
                measure_rss(
                    f"{scale.rss_archive_mib / 1024:g} GiB, 1 MiB + 16 MiB members",
                    workdir,
                    nginx.url,
                    LARGE_BUCKET,
                    large_inventory,
                )
            )
            results.rss.append(
                measure_rss(
                    "16 MiB members only (reader's worst case)",
                    workdir,
                    nginx.url,
                    STREAMED_BUCKET,
                    streamed_inventory,
                )
            )
            results.rss.append(
                measure_rss(
                    "10 KiB members",
                    workdir,
                    nginx.url,
                    SMALL_BUCKET,
                    small_inventory,
                    per_member=True,
                )
            )
            workers = len(nginx.worker_pids())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report(scale, results, workers)


def main(argv: Sequence[str]) -> None:
    print(run(quick=True if "--quick" in argv else None))


if __name__ == "__main__":
    main(sys.argv[1:])
