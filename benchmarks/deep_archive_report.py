"""The deep_archive packer benchmark's results and their Markdown tables."""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.deep_archive_stages import (
    DELAY_MS,
    MIB,
    JobResult,
    Level,
    PipelineResult,
    RssReport,
    Run,
    Scale,
)
from benchmarks.machine import describe
from benchmarks.nginx_source import (
    find_nginx,
)
from strongroom.deep_archive.adapters.object_reader import (
    ReaderLimits,
)


@dataclass
class Results:
    raw: dict[str, Run] = field(default_factory=dict)
    pipeline: dict[tuple[str, Level], Run] = field(default_factory=dict)
    pipeline_detail: dict[tuple[str, Level], PipelineResult] = field(default_factory=dict)
    pipeline_ratio: dict[tuple[str, Level], float] = field(default_factory=dict)
    job_ratio: dict[str, float] = field(default_factory=dict)
    jobs: dict[str, Run] = field(default_factory=dict)
    job_detail: dict[str, tuple[JobResult, Counter[str]]] = field(default_factory=dict)
    stages: dict[tuple[str, str], Run] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)
    emulator: dict[str, tuple[Run, float, Counter[str]]] = field(default_factory=dict)
    rss: list[RssReport] = field(default_factory=list)
    delayed: dict[int, tuple[Run, Run]] = field(default_factory=dict)
    """In-flight GETs -> (raw obstore GETs in that many threads, pipeline at deflate 6)."""


def report(scale: Scale, results: Results, workers: int) -> str:
    nginx_version = subprocess.run(
        [find_nginx(), "-v"], capture_output=True, text=True, check=False
    ).stderr.strip()
    lines = [
        f"deep_archive packer against nginx ({'quick' if scale.quick else 'full'} run, "
        f"median of {scale.repeats}); machine: {describe()}; {nginx_version}, {workers} workers, "
        "loopback, sendfile, access log off.",
        f"Objects: JSON-lines text, {scale.small_objects:,} x 10 KiB and "
        f"{scale.large_objects:,} x 1 MiB; deflate level 6 shrinks them "
        f"{results.ratios['10 KiB']:.1f}x (10 KiB) and {results.ratios['1 MiB']:.1f}x (1 MiB). "
        f"'cores' is CPU seconds per wall second (client process; nginx's workers).",
        "",
        *raw_table(results),
        "",
        *pipeline_table(results),
        "",
        *delayed_table(results),
        "",
        *job_table(results),
        "",
        *stage_table(results),
        "",
        *requests_table(results),
        "",
        *emulator_table(results),
        "",
        *rss_table(results),
    ]
    return "\n".join(lines)


def raw_table(results: Results) -> list[str]:
    lines = [
        "Raw GET rate (same objects, same nginx):",
        "",
        "| client | GET/s | MiB/s | client CPU per GET | client cores | nginx cores |",
        "|---|---|---|---|---|---|",
    ]
    for label, run in results.raw.items():
        lines.append(
            f"| {label} | {run.per_second:,.0f} | {run.mib_per_second:,.0f} | "
            f"{run.cpu_seconds / run.objects * 1000:.3f} ms | {run.cores:.2f} | "
            f"{run.nginx_cores:.2f} |"
        )
    return lines


def level_name(level: Level) -> str:
    return "stored" if level is None else f"deflate {level}"


def pipeline_table(results: Results) -> list[str]:
    lines = [
        "Packing pipeline: ObjectReader (32 GETs in flight) -> ArchiveWriter -> "
        "MultipartArchiveUpload (16 MiB parts, SHA-256 each; bytes then dropped):",
        "",
        "| objects | compression | objects/s | MiB/s (source) | / obstore GET rate | "
        "archive / source | client cores | nginx cores |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (label, level), run in results.pipeline.items():
        detail = results.pipeline_detail[(label, level)]
        lines.append(
            f"| {label} | {level_name(level)} | {run.per_second:,.0f} | "
            f"{run.mib_per_second:,.0f} | {results.pipeline_ratio[(label, level)]:.2f} | "
            f"{detail.archive_bytes / run.source_bytes:.2f} | {run.cores:.2f} | "
            f"{run.nginx_cores:.2f} |"
        )
    return lines


def delayed_table(results: Results) -> list[str]:
    if not results.delayed:
        return [
            "Delayed-server section skipped: the nginx echo module is not installed "
            "(`apt-get install libnginx-mod-http-echo`)."
        ]
    lines = [
        f"With {DELAY_MS} ms added to every response (nginx echo_sleep), 10 KiB objects: what "
        "the reader's concurrency must be when the store, not the CPU, is slow (window = "
        "max(64, 2 x in flight)):",
        "",
        "| GETs in flight | raw obstore GET/s | pipeline objects/s (deflate 6) | pipeline / raw "
        "| in flight / latency |",
        "|---|---|---|---|---|",
    ]
    for in_flight, (raw, pipeline) in results.delayed.items():
        lines.append(
            f"| {in_flight} | {raw.per_second:,.0f} | {pipeline.per_second:,.0f} | "
            f"{pipeline.per_second / raw.per_second:.2f} | {in_flight * 1000 / DELAY_MS:,.0f} |"
        )
    return lines


def job_table(results: Results) -> list[str]:
    lines = [
        "Packing job (pack_archives as the Batch job runs it: pipeline + catalog entries, "
        "sidecar manifest written and read back, DynamoDB catalog store over a client "
        "that drops the items, in-memory job store; project defaults of 50,000 files / 500 MB "
        "per archive; deflate 6):",
        "",
        "| objects | archives | objects/s | MiB/s | / obstore GET rate | / pipeline (deflate 6) "
        "| client cores |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, run in results.jobs.items():
        detail, _ = results.job_detail[label]
        pipeline = results.pipeline[(label, 6)]
        lines.append(
            f"| {label} | {detail.archives} | {run.per_second:,.0f} | {run.mib_per_second:,.0f} | "
            f"{results.job_ratio[label]:.2f} | {run.per_second / pipeline.per_second:.2f} | "
            f"{run.cores:.2f} |"
        )
    return lines


def stage_table(results: Results) -> list[str]:
    lines = [
        "Each stage alone (in memory and on one thread unless the name says otherwise):",
        "",
        "| stage | 10 KiB objects/s | 10 KiB MiB/s | 1 MiB MiB/s |",
        "|---|---|---|---|",
    ]
    for stage in dict.fromkeys(name for name, _ in results.stages):
        small = results.stages.get((stage, "10 KiB"))
        large = results.stages.get((stage, "1 MiB"))
        lines.append(
            f"| {stage} | {f'{small.per_second:,.0f}' if small else '-'} | "
            f"{f'{small.mib_per_second:,.0f}' if small else '-'} | "
            f"{f'{large.mib_per_second:,.0f}' if large else '-'} |"
        )
    return lines


def requests_table(results: Results) -> list[str]:
    lines = [
        "Requests per archived object (GETs: the reader's counters; S3 calls: the packing job's, "
        "per archive 1 ListMultipartUploads + 1 Create + parts + 1 Complete + 1 HeadObject + "
        "manifest PutObject and GetObject; catalog: the DynamoDB catalog store's BatchWriteItem "
        "calls, counted by the stand-in client):",
        "",
        "| objects | GET | range GET | multipart (create + parts + complete) | other S3 "
        "| catalog writes | total |",
        "|---|---|---|---|---|---|---|",
    ]
    multipart_calls = ("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload")
    for label in ("10 KiB", "1 MiB", "16 MiB"):
        pipeline = results.pipeline_detail.get((label, 6))
        if pipeline is None:
            continue
        members = pipeline.reader.requested
        gets = pipeline.reader.requested / members
        ranges = pipeline.reader.range_requests / members
        if label not in results.job_detail:
            lines.append(f"| {label} (streamed) | {gets:.2f} | {ranges:.2f} | - | - | - | - |")
            continue
        job, calls = results.job_detail[label]
        multipart = sum(calls[name] for name in multipart_calls) / job.members
        other = (sum(calls.values()) - sum(calls[name] for name in multipart_calls)) / job.members
        catalog = job.catalog_writes / job.members
        total = gets + ranges + multipart + other + catalog
        lines.append(
            f"| {label} | {gets:.2f} | {ranges:.2f} | {multipart:.4f} | {other:.4f} | "
            f"{catalog:.3f} | {total:.3f} |"
        )
    return lines


def emulator_table(results: Results) -> list[str]:
    lines = [
        "Packing job into the emulator (moto server in its own process; the real "
        "MultipartArchiveUpload, verification and manifest; deflate 6):",
        "",
        "| objects | count | objects/s | MiB/s | client cores | emulator cores | S3 calls "
        "| S3 calls per object |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, (run, emulator_cores, calls) in results.emulator.items():
        summary = ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))
        lines.append(
            f"| {label} | {run.objects:,} | {run.per_second:,.0f} | {run.mib_per_second:,.1f} | "
            f"{run.cores:.2f} | {emulator_cores:.2f} | {summary} | "
            f"{sum(calls.values()) / run.objects:.4f} |"
        )
    return lines


def rss_table(results: Results) -> list[str]:
    bound = ReaderLimits().bytes_bound / MIB
    lines = [
        "Peak RSS of a subprocess running the packing job on one archive (S3 and DynamoDB "
        "stand-ins; "
        f"reader bound {bound:.0f} MiB of object bytes, sink 2 x 16 MiB parts); RSS at 25/50/75% "
        "of the archive's bytes uploaded and when the upload is done; peak is VmHWM over the "
        "whole job, catalog phase included (ru_maxrss is not used: it keeps the parent's peak "
        "across exec). Per member: RSS growth from 25% to 75% of the upload, and the catalog "
        "phase's peak above the upload's:",
        "",
        "| archive | members | source | archive | seconds | RSS before | 25% | 50% | 75% | "
        "upload done | peak during upload | peak (VmHWM) | upload growth per member "
        "| catalog phase per member |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rss in results.rss:
        at = rss.at_fraction_kib
        fractions = " | ".join(f"{at[f] / 1024:.0f} MiB" for f in (0.25, 0.5, 0.75, 1.0))
        upload_growth = (at[0.75] - at[0.25]) * 1024 / (rss.members / 2)
        catalog_growth = max(rss.peak_kib - rss.upload_peak_kib, 0) * 1024 / rss.members
        growth = (
            f"{upload_growth / 1024:.2f} KiB | {catalog_growth / 1024:.2f} KiB"
            if rss.per_member
            else "- | -"
        )
        lines.append(
            f"| {rss.label} | {rss.members:,} | {rss.source_bytes / MIB:,.0f} MiB | "
            f"{rss.archive_bytes / MIB:,.0f} MiB | {rss.seconds:.1f} | "
            f"{rss.baseline_kib / 1024:.0f} MiB | {fractions} | "
            f"{rss.upload_peak_kib / 1024:.0f} MiB | {rss.peak_kib / 1024:.0f} MiB | {growth} |"
        )
    return lines
