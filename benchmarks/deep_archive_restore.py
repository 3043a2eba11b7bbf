"""deep_archive restores on the local stack: bytes read and requests per restored file, wall time.

Files of a few sizes (compressible CSV, incompressible random bytes, one above the 16 MiB
single-PUT limit) are put into the demo source bucket under a fresh prefix and archived into
three Deep Archive archives by an archive job through the API. Then one ``POST /restore``
names 100 of them by full key, spread over the three archives (Standard tier), and the
benchmark waits for the request's SNS notification. This runs twice, on fresh archives each
time: once recorded (the counts), once with the recorder off and warm workers (the time).

Every request the stack's processes make reaches the emulator (moto, in this process, over
HTTP), so moto's request recorder sees all of them, the restore worker's and the API
function's included (they run as separate processes). Recording runs from just before the
POST until the worker has logged the notification. Each recorded request is attributed:

- to a function, when its User-Agent carries Lambda's ``exec-env`` (the worker processes set
  ``AWS_EXECUTION_ENV``): the restore path; only the restore API and worker run meanwhile;
- to this benchmark, by its own User-Agent suffix (waiting for the notification): left out;
- otherwise to the local stack's machinery (event-source pollers): counted apart.

Bytes served by the archive bucket are the ranges of the ranged GETs (the worker refuses a
response of another length), matched to the member they start at, and cross-checked against
the worker's own ``bytes_read`` log; the restore API's ranged GETs of Parquet manifests
(finding each key, decision 0013) are counted as requests, not as any file's bytes. Every
restored file's SHA-256 is checked against its
source; the benchmark fails otherwise.

Run: ``python -m benchmarks deep_archive_restore`` (about 35 seconds). Results are also written
as JSON to ``$DEEP_ARCHIVE_RESTORE_BENCH_JSON`` (default ``.strongroom/bench/``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
from botocore.config import Config
from tests.support.waiting import eventually

from benchmarks.machine import describe
from strongroom.core.localdev import LOCAL_ACCOUNT_ID
from strongroom.deep_archive.adapters.archive_record_store import DynamoDBArchiveRecords
from strongroom.deep_archive.adapters.job_files import CATALOG_PREFIX
from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog, S3ManifestReader
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.localdev import DEMO_BUCKET, DEMO_PROJECT, demo_topic_arn
from strongroom.local.api_client import ApiClient
from strongroom.local.emulator import LOCAL_CREDENTIALS
from strongroom.local.stack import LocalStack, StackOptions

KIB: Final = 1024
MIB: Final = 1024 * KIB
ARCHIVES: Final = 3
FILES_PER_ARCHIVE: Final = 50
RESTORED_FILES: Final = 100
RESTORE_DELAY_SECONDS: Final = 1.0
TARGET_OVERHEAD_BYTES: Final = 1024
"""Target: each file costs its member's compressed size plus under 1 KB read from the archive."""
LARGE_FILE_SIZE: Final = 20 * MIB
"""Above the restored-files adapter's 16 MiB single-PUT limit: one file takes the multipart path."""
BENCH_USER_AGENT: Final = "strongroom-bench-deep-archive-restore"
RESULTS_VARIABLE: Final = "DEEP_ARCHIVE_RESTORE_BENCH_JSON"
DEFAULT_RESULTS: Final = Path(".strongroom") / "bench" / "deep_archive_restore.json"
RESTORE_WORKER_HANDLER: Final = "strongroom.deep_archive.handlers.restore_worker.handler"
JOB_FINISHED: Final = frozenset({"SUCCEEDED", "FAILED", "PLANNED"})
POWERTOOLS_TIMESTAMP: Final = "%Y-%m-%d %H:%M:%S,%f%z"
SETTLE_SECONDS: Final = 0.5
"""The stack logs an invocation's line just after deleting its messages: let it land."""

T = TypeVar("T")


class BenchmarkFailed(RuntimeError):
    """The restore did not do what it must (a file missing or different): no numbers to report."""


@dataclass(frozen=True)
class FileKind:
    name: str
    size: int
    content_type: str


FILE_KINDS: Final = (
    FileKind("csv", 2 * KIB, "text/csv"),
    FileKind("csv", 64 * KIB, "text/csv"),
    FileKind("csv", 1 * MIB, "text/csv"),
    FileKind("random", 4 * KIB, "application/octet-stream"),
    FileKind("random", 256 * KIB, "application/octet-stream"),
    FileKind("random", 2 * MIB, "application/octet-stream"),
)
LARGE_KIND: Final = FileKind("random", LARGE_FILE_SIZE, "application/octet-stream")


@dataclass(frozen=True)
class SourceFile:
    key: str
    kind: FileKind
    body: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def csv_body(size: int, seed: int) -> bytes:
    """Ledger-like CSV text: deflate shrinks it about 3x, as with the demo's reports."""
    chooser = random.Random(seed)
    branches = ("north", "south", "east", "west")
    lines = ["date,branch,account,amount\n"]
    length = len(lines[0])
    while length < size:
        line = (
            f"2026-{chooser.randrange(1, 13):02d}-{chooser.randrange(1, 29):02d},"
            f"{chooser.choice(branches)},{chooser.randrange(10**6):06d},"
            f"{chooser.randrange(10**7) / 100:.2f}\n"
        )
        lines.append(line)
        length += len(line)
    return "".join(lines).encode()[:size]


def source_files(prefix: str) -> list[SourceFile]:
    """``ARCHIVES * FILES_PER_ARCHIVE`` files cycling through the kinds, the large one first."""
    kinds = [LARGE_KIND] + [
        FILE_KINDS[index % len(FILE_KINDS)] for index in range(ARCHIVES * FILES_PER_ARCHIVE - 1)
    ]
    files = []
    for index, kind in enumerate(kinds):
        if kind.name == "csv":
            body = csv_body(kind.size, index)
            extension = "csv"
        else:
            body = random.Random(index).randbytes(kind.size)
            extension = "bin"
        files.append(SourceFile(f"{prefix}/{index:04d}-{kind.size}.{extension}", kind, body))
    return files


# --- talking to the stack ------------------------------------------------------------------


def bench_client(stack: LocalStack, service: str) -> Any:
    """A client whose requests the analysis recognises (and leaves out) by its User-Agent."""
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        endpoint_url=stack.emulator.url,
        region_name=stack.options.region,
        config=Config(user_agent_extra=BENCH_USER_AGENT, retries={"mode": "standard"}),
        **LOCAL_CREDENTIALS,
    )


def put_sources(s3: Any, files: list[SourceFile]) -> None:
    def put(file: SourceFile) -> None:
        s3.put_object(
            Bucket=DEMO_BUCKET, Key=file.key, Body=file.body, ContentType=file.kind.content_type
        )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, files))


def archive(api: ApiClient, prefix: str, region: str) -> dict[str, Any]:
    """Archive ``prefix`` with an archive job through the API; the job's report."""
    answer = api.post(
        "archive",
        body={
            "project_name": DEMO_PROJECT,
            "bucket_name": DEMO_BUCKET,
            "prefix": prefix,
            "file_count": FILES_PER_ARCHIVE,
            "archive_size": 500,
            "account": LOCAL_ACCOUNT_ID,
            "region": region,
            "storage_class": "DEEP_ARCHIVE",
        },
    )
    if answer.status != 202:
        raise BenchmarkFailed(f"POST /archive answered {answer.status}: {answer.body}")
    job_id = answer.body["job_id"]

    def job_finished() -> dict[str, Any] | None:
        body = api.get("jobs", job_id).body
        return dict(body) if body["status"] in JOB_FINISHED else None

    report = eventually(job_finished, timeout=600, interval=0.5)
    if report["status"] != "SUCCEEDED" or len(report["archives"]) != ARCHIVES:
        raise BenchmarkFailed(f"archive job did not make {ARCHIVES} archives: {report}")
    return report


def choose_restored(entries: list[CatalogEntry], large_key: str) -> list[CatalogEntry]:
    """``RESTORED_FILES`` entries, round robin over the archives, the large file among them."""
    by_archive: dict[str, list[CatalogEntry]] = {}
    for entry in sorted(entries, key=lambda entry: (entry.key != large_key, entry.key)):
        by_archive.setdefault(entry.archive_key, []).append(entry)
    if len(by_archive) != ARCHIVES:
        raise BenchmarkFailed(f"the files are in {len(by_archive)} archives, not {ARCHIVES}")
    if len(entries) < RESTORED_FILES:
        raise BenchmarkFailed(f"{len(entries)} archived files, {RESTORED_FILES} wanted")
    queues = [iter(members) for members in by_archive.values()]
    chosen: list[CatalogEntry] = []
    while len(chosen) < RESTORED_FILES:
        for members in queues:
            member = next(members, None)
            if member is not None and len(chosen) < RESTORED_FILES:
                chosen.append(member)
    return chosen


class Recorder:
    """moto's request recorder, through its HTTP API on the emulator."""

    def __init__(self, emulator_url: str) -> None:
        self._base = f"{emulator_url}/moto-api/recorder"

    def _call(self, action: str, method: str = "POST") -> bytes:
        request = urllib.request.Request(f"{self._base}/{action}", method=method, data=b"")
        with urllib.request.urlopen(request, timeout=120) as answer:
            body: bytes = answer.read()
            return body

    def start(self) -> None:
        self._call("reset-recording")
        self._call("start-recording")

    def stop(self) -> None:
        self._call("stop-recording")

    def download(self) -> list[dict[str, Any]]:
        return recorded_requests(self._call("download-recording", "GET").decode())


def recorded_requests(text: str) -> list[dict[str, Any]]:
    """The records of a recording, read as a stream of JSON objects, not one per line.

    The recorder writes a record and its newline with two writes to a file opened per request,
    and the server is threaded: another request's record can land between the two (seen with
    multi-megabyte bodies). Each record itself is one write, so the objects stay whole.
    """
    decoder = json.JSONDecoder()
    records: list[dict[str, Any]] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return records
        try:
            record, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise BenchmarkFailed(f"the recording is not a stream of JSON: {error}") from error
        records.append(record)


@dataclass
class RestoreWatch:
    """When the emulator's restore delay started and finished the archives' restores."""

    delay_in_progress: Callable[[], int]
    first_started: float | None = None
    first_readable: float | None = None
    all_readable: float | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="restore-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        highest = 0
        while not self._stop.wait(0.005):
            pending, now = self.delay_in_progress(), time.monotonic()
            if pending and self.first_started is None:
                self.first_started = now
            if pending < highest and self.first_readable is None:
                self.first_readable = now
            if highest and not pending and self.all_readable is None:
                self.all_readable = now
            highest = max(highest, pending)


@dataclass
class InvocationLog:
    """The stack's one line per invocation, with the moment it was logged."""

    lines: list[tuple[float, str]] = field(default_factory=list)

    def append(self, line: str) -> None:
        self.lines.append((time.monotonic(), line))

    def count(self, needle: str, since: float) -> int:
        return sum(1 for at, line in list(self.lines) if at >= since and needle in line)


def worker_log_records(log_path: Path) -> list[dict[str, Any]]:
    """The worker's JSON log records (Powertools), in the order written."""
    if not log_path.exists():
        return []
    records: list[dict[str, Any]] = []
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records


def worker_reports(log_path: Path, restore_id: str) -> list[dict[str, Any]]:
    """The worker's ``restore advanced`` records for ``restore_id``: one per advance run."""
    return [
        record
        for record in worker_log_records(log_path)
        if record.get("message") == "restore advanced" and record.get("restore_id") == restore_id
    ]


def worker_invocations(
    log_path: Path, restore_id: str, archive_keys: set[str], posted_at: datetime
) -> list[dict[str, Any]]:
    """Per worker invocation that touched this request: what woke it and what its run did,
    with the seconds after the POST at which it logged each."""
    invocations: dict[str, dict[str, Any]] = {}
    for record in worker_log_records(log_path):
        message = record.get("message")
        archive = str(record.get("archive", "")).removeprefix("s3://").partition("/")[2]
        mine = (message == "restore advanced" and record.get("restore_id") == restore_id) or (
            message == "archive restored" and archive in archive_keys
        )
        if not mine:
            continue
        invocation = invocations.setdefault(
            str(record.get("function_request_id")),
            {"first_log_s": _seconds_after(record, posted_at), "woken_by_archives": []},
        )
        if message == "archive restored":
            invocation["woken_by_archives"].append(archive.rsplit("/", 1)[-1])
            continue
        for name in (
            "outcome",
            "restores_requested",
            "restores_joined",
            "files_restored",
            "bytes_read",
        ):
            invocation[name] = record.get(name)
        invocation["run_logged_s"] = _seconds_after(record, posted_at)
    return list(invocations.values())


def _seconds_after(record: dict[str, Any], start: datetime) -> float | None:
    try:
        logged = datetime.strptime(str(record.get("timestamp")), POWERTOOLS_TIMESTAMP)
    except ValueError:
        return None
    return round((logged - start).total_seconds(), 3)


# --- reading the recording ------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    source: str  # function | stack | bench
    service: str
    operation: str
    bucket: str = ""
    key: str = ""
    byte_range: tuple[int, int] | None = None
    target: str = ""  # table or queue


def classify(record: dict[str, Any]) -> Call:
    headers = {name.lower(): str(value) for name, value in record.get("headers", {}).items()}
    agent = headers.get("user-agent", "")
    if BENCH_USER_AGENT in agent:
        source = "bench"
    elif "exec-env/AWS_Lambda" in agent:
        source = "function"
    else:
        source = "stack"
    service = _service(headers.get("authorization", ""))
    body = _body_text(record)
    target_header = headers.get("x-amz-target", "")
    if service == "s3":
        return _s3_call(source, record["method"], record["url"], headers)
    if target_header:
        operation = target_header.rsplit(".", 1)[-1]
        payload = _json_or_empty(body)
        target = str(payload.get("TableName") or payload.get("QueueUrl") or "")
        if not target and isinstance(payload.get("RequestItems"), dict):
            target = ",".join(sorted(payload["RequestItems"]))
        return Call(source, service, operation, target=target.rsplit("/", 1)[-1])
    form = parse_qs(body)
    operation = form.get("Action", ["?"])[0]
    target = (form.get("TopicArn") or form.get("QueueUrl") or [""])[0]
    return Call(source, service, operation, target=target.rsplit("/", 1)[-1].rsplit(":", 1)[-1])


def _service(authorization: str) -> str:
    # "AWS4-HMAC-SHA256 Credential=local/20261122/eu-west-1/s3/aws4_request, ..."
    scope = authorization.partition("Credential=")[2].split(",", 1)[0].split("/")
    return scope[3] if len(scope) > 3 else "?"


def _body_text(record: dict[str, Any]) -> str:
    body = record.get("body") or ""
    if record.get("body_encoded"):
        return base64.b64decode(body).decode(errors="replace")
    return str(body)


def _json_or_empty(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _s3_call(source: str, method: str, url: str, headers: dict[str, str]) -> Call:
    parts = urlsplit(url)
    bucket, _, key = parts.path.lstrip("/").partition("/")
    query = parse_qs(parts.query, keep_blank_values=True)
    byte_range = None
    if headers.get("range", "").startswith("bytes="):
        first, _, last = headers["range"].removeprefix("bytes=").partition("-")
        # "bytes=-N" (a manifest's footer read) is the last N bytes: kept as (-N, -1).
        byte_range = (int(first), int(last)) if first else (-int(last), -1)
    if method == "HEAD":
        operation = "HeadObject" if key else "HeadBucket"
    elif method == "GET":
        operation = "GetObject" if key else "ListObjects"
    elif method == "POST" and "restore" in query:
        operation = "RestoreObject"
    elif method == "POST" and "uploads" in query:
        operation = "CreateMultipartUpload"
    elif method == "POST" and "uploadId" in query:
        operation = "CompleteMultipartUpload"
    elif method == "PUT" and "partNumber" in query:
        operation = "UploadPart"
    elif method == "PUT" and key:
        operation = "PutObject"
    elif method == "DELETE" and "uploadId" in query:
        operation = "AbortMultipartUpload"
    else:
        operation = f"{method} {'object' if key else 'bucket'}"
    return Call(source, "s3", operation, bucket, unquote(key), byte_range)


# --- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """Source files archived into three archives, and the ones a restore asks for."""

    sources: dict[str, SourceFile]
    chosen: list[CatalogEntry]


@dataclass
class PassResult:
    """One restore request, POST to notification (seconds after the POST)."""

    restore_id: str
    wall_seconds: float
    accepted_seconds: float
    restores_started_seconds: float | None
    first_readable_seconds: float | None
    all_readable_seconds: float | None
    extraction_from_first_readable_seconds: float | None
    extraction_from_all_readable_seconds: float | None
    worker_invocations: int
    worker_runs: int
    worker_outcomes: dict[str, int]
    worker_bytes_read: int
    worker_timeline: list[dict[str, Any]]
    sha256_verified: int


@dataclass
class Results:
    date: str
    machine: str
    restore_delay_seconds: float
    files: int
    archives: int
    source_bytes: int
    compressed_bytes: int
    kinds: dict[str, int]
    recorded: PassResult
    """Recorder on, first restore on the stack: the pass the counts come from."""
    timed: PassResult
    """Recorder off, second restore (worker processes warm): the wall time to quote."""
    counts: dict[str, Any]
    notes: list[str]


@dataclass(frozen=True)
class Bench:
    """The stack and what the benchmark talks to it with."""

    stack: LocalStack
    invocations: InvocationLog
    outputs: dict[str, str]
    api: ApiClient
    s3: Any
    sqs: Any
    notification_queue: str
    worker_log: Path
    worker_line: str
    """How the stack's invocation line for a restore-worker invocation starts."""

    @classmethod
    def on(cls, stack: LocalStack, invocations: InvocationLog) -> Bench:
        assert stack.endpoints is not None
        assert stack.runtime is not None
        outputs = stack.endpoints.outputs["deep_archive"]
        worker = next(
            spec for spec in stack.topology.functions if spec.handler == RESTORE_WORKER_HANDLER
        )
        sqs = bench_client(stack, "sqs")
        return cls(
            stack=stack,
            invocations=invocations,
            outputs=outputs,
            api=ApiClient(outputs["ApiUrl"], stack.endpoints.token),
            s3=bench_client(stack, "s3"),
            sqs=sqs,
            notification_queue=_notification_queue(stack, sqs, bench_client(stack, "sns")),
            worker_log=stack.runtime.log_path(worker.name),
            worker_line=f"sqs {outputs['RestoreQueueUrl'].rsplit('/', 1)[-1]} -> {worker.name}:",
        )

    @property
    def restore_queue(self) -> str:
        return self.outputs["RestoreQueueUrl"].rsplit("/", 1)[-1]


def prepare(bench: Bench, prefix: str) -> Prepared:
    files = source_files(prefix)
    put_sources(bench.s3, files)
    archive(bench.api, prefix, bench.stack.options.region)
    records = DynamoDBArchiveRecords(
        bench.outputs["CatalogTableName"], bench_client(bench.stack, "dynamodb")
    )
    catalog = ManifestCatalog(records, S3ManifestReader(bench.s3))
    entries = [catalog.get_latest(DEMO_PROJECT, DEMO_BUCKET, file.key) for file in files]
    if any(entry is None for entry in entries):
        raise BenchmarkFailed("an archived file has no catalog entry")
    chosen = choose_restored([entry for entry in entries if entry is not None], files[0].key)
    return Prepared({file.key: file for file in files}, chosen)


def restore_pass(
    bench: Bench, prepared: Prepared, recorder: Recorder | None
) -> tuple[PassResult, list[Call]]:
    """POST /restore for the chosen files, wait for the notification, check every file."""
    stack = bench.stack
    watch = RestoreWatch(lambda: stack.restore_delay.in_progress)
    watch.start()
    if recorder is not None:
        recorder.start()
    posted, posted_at = time.monotonic(), datetime.now(UTC)
    answer = bench.api.post(
        "restore",
        body={
            "project_name": DEMO_PROJECT,
            "files": [entry.key for entry in prepared.chosen],
            "retrieval_tier": "Standard",
            "sns_topic_arn": demo_topic_arn(stack.options.region),
        },
    )
    accepted = time.monotonic()
    try:
        if answer.status != 202:
            raise BenchmarkFailed(f"POST /restore answered {answer.status}: {answer.body}")
        restore_id = answer.body["restore_id"]
        notification = _wait_for_notification(bench.sqs, bench.notification_queue, restore_id)
        notified = time.monotonic()
        _settle(bench, restore_id)
    finally:
        if recorder is not None:
            recorder.stop()
        watch.stop()
    calls = [] if recorder is None else [classify(record) for record in recorder.download()]
    reports = worker_reports(bench.worker_log, restore_id)

    def since_post(moment: float | None) -> float | None:
        return None if moment is None else moment - posted

    def until_notified(moment: float | None) -> float | None:
        return None if moment is None else notified - moment

    result = PassResult(
        restore_id=restore_id,
        wall_seconds=notified - posted,
        accepted_seconds=accepted - posted,
        restores_started_seconds=since_post(watch.first_started),
        first_readable_seconds=since_post(watch.first_readable),
        all_readable_seconds=since_post(watch.all_readable),
        extraction_from_first_readable_seconds=until_notified(watch.first_readable),
        extraction_from_all_readable_seconds=until_notified(watch.all_readable),
        worker_invocations=bench.invocations.count(bench.worker_line, posted),
        worker_runs=len(reports),
        worker_outcomes=dict(Counter(str(report.get("outcome")) for report in reports)),
        worker_bytes_read=sum(int(report.get("bytes_read", 0)) for report in reports),
        worker_timeline=worker_invocations(
            bench.worker_log,
            restore_id,
            {entry.archive_key for entry in prepared.chosen},
            posted_at,
        ),
        sha256_verified=verify_restored(bench.s3, notification, prepared.sources),
    )
    return result, calls


def measure(bench: Bench) -> Results:
    """Two restores of 100 files from 3 fresh archives each: the first recorded for the counts,
    the second timed with the recorder off (recording every request, bodies included, slows the
    emulator) and with the functions' worker processes already started by the first."""
    run_id = uuid.uuid4().hex[:8]
    recorded_files = prepare(bench, f"bench-restore-{run_id}-recorded")
    timed_files = prepare(bench, f"bench-restore-{run_id}-timed")
    recorded, calls = restore_pass(bench, recorded_files, Recorder(bench.stack.emulator.url))
    timed, _ = restore_pass(bench, timed_files, None)
    counts, notes = analyse(calls, recorded_files.chosen, bench.outputs, bench.restore_queue)
    if recorded.worker_bytes_read != counts["ranged_bytes"]:
        notes.append(
            f"the worker logged {recorded.worker_bytes_read} bytes read, the recorded ranges "
            f"add up to {counts['ranged_bytes']}"
        )
    chosen, sources = recorded_files.chosen, recorded_files.sources
    return Results(
        date=date.today().isoformat(),
        machine=describe(),
        restore_delay_seconds=RESTORE_DELAY_SECONDS,
        files=len(chosen),
        archives=len({entry.archive_key for entry in chosen}),
        source_bytes=sum(entry.size for entry in chosen),
        compressed_bytes=sum(entry.compressed_size for entry in chosen),
        kinds=dict(
            Counter(
                f"{sources[entry.key].kind.name} {_size(entry.size)}" for entry in chosen
            ).most_common()
        ),
        timed=timed,
        recorded=recorded,
        counts=counts,
        notes=notes,
    )


def _is_manifest(call: Call) -> bool:
    return call.service == "s3" and call.key.startswith(f"{CATALOG_PREFIX}/")


def _call_name(call: Call, buckets: dict[str, str], tables: dict[str, str]) -> str:
    if call.service == "s3":
        where = buckets.get(call.bucket, call.bucket or "?")
        if _is_manifest(call):
            where = f"Parquet manifests, {where}"
        if call.operation == "GetObject":
            return f"S3 GetObject{' (ranged)' if call.byte_range else ''}, {where}"
        return f"S3 {call.operation}, {where}"
    if call.service == "dynamodb":
        table = tables.get(call.target, call.target)
        return f"DynamoDB {call.operation}" + (f", {table}" if table else "")
    if call.service == "sns":
        return f"SNS {call.operation}"
    if call.service == "sqs":
        return f"SQS {call.operation}"
    return f"{call.service} {call.operation}"


def analyse(
    calls: list[Call],
    chosen: list[CatalogEntry],
    outputs: dict[str, str],
    restore_queue: str,
) -> tuple[dict[str, Any], list[str]]:
    """Bytes per file, requests by kind, RestoreObject and HEAD per archive."""
    archive_bucket = outputs["ArchiveBucketName"]
    buckets = {archive_bucket: "archive bucket", outputs["RestoreBucketName"]: "restore bucket"}
    tables = {
        outputs["CatalogTableName"]: "catalog",
        outputs["RestoresTableName"]: "restores",
        outputs["ProjectsTableName"]: "projects",
    }
    notes: list[str] = []
    function_calls = [call for call in calls if call.source == "function"]
    by_start = {(entry.archive_key, entry.data_offset): entry for entry in chosen}
    served: Counter[str] = Counter()
    reads: Counter[str] = Counter()
    range_overheads: list[int] = []
    unmatched = 0
    for call in function_calls:
        if call.service != "s3" or call.bucket != archive_bucket or call.operation != "GetObject":
            continue
        if _is_manifest(call):  # the API's catalog lookups, not a restored file's bytes
            continue
        if call.byte_range is None:
            notes.append(f"an unranged GET of s3://{call.bucket}/{call.key}")
            continue
        first, last = call.byte_range
        entry = by_start.get((call.key, first))
        if entry is None:
            unmatched += last - first + 1
            continue
        served[entry.key] += last - first + 1
        reads[entry.key] += 1
        range_overheads.append(last - first + 1 - entry.compressed_size)
    if unmatched:
        notes.append(f"{unmatched} bytes of ranged GETs start at no requested member")
    overheads = [served[entry.key] - entry.compressed_size for entry in chosen]
    restore_objects = Counter(
        call.key for call in function_calls if call.operation == "RestoreObject"
    )
    heads = Counter(
        call.key
        for call in function_calls
        if call.operation == "HeadObject" and call.bucket == archive_bucket
    )
    requests = Counter(_call_name(call, buckets, tables) for call in function_calls)
    machinery = Counter(
        _call_name(call, buckets, tables)
        + (" (restore queue)" if call.target == restore_queue else "")
        for call in calls
        if call.source == "stack"
    )
    measures = {
        "ranged_bytes": sum(served.values()) + unmatched,
        "overhead_max_bytes": max(overheads),
        "overhead_mean_bytes": statistics.fmean(overheads),
        "range_overhead_max_bytes": max(range_overheads, default=0),
        "range_overhead_min_bytes": min(range_overheads, default=0),
        "ranged_gets_per_file": sum(reads.values()) / len(chosen),
        "files_read_more_than_once": sum(1 for count in reads.values() if count > 1),
        "restore_object_per_archive": dict(sorted(restore_objects.items())),
        "head_object_per_archive": dict(sorted(heads.items())),
        "requests": dict(sorted(requests.items())),
        "requests_per_file": {
            name: count / len(chosen) for name, count in sorted(requests.items())
        },
        "machinery_requests": dict(sorted(machinery.items())),
    }
    if any(overhead < 0 for overhead in overheads):
        notes.append("some files were served fewer bytes than their compressed size")
    return measures, notes


def verify_restored(s3: Any, notification: dict[str, Any], sources: dict[str, SourceFile]) -> int:
    """Every requested file restored, byte for byte; raises :class:`BenchmarkFailed` if not."""
    if notification.get("status") != "COMPLETED":
        raise BenchmarkFailed(f"restore ended {notification.get('status')}: {notification}")
    verified = 0
    for result in notification["files"]:
        source = sources[result["requested"]]
        if result["state"] != "RESTORED" or not result["location"]:
            raise BenchmarkFailed(f"{source.key} was not restored: {result}")
        bucket, _, key = result["location"].removeprefix("s3://").partition("/")
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        digest = hashlib.sha256(body).hexdigest()
        if digest != source.sha256 or result["sha256"] != source.sha256:
            raise BenchmarkFailed(
                f"{source.key}: restored SHA-256 {digest}, catalog {result['sha256']}, "
                f"source {source.sha256}"
            )
        verified += 1
    return verified


def _notification_queue(stack: LocalStack, sqs: Any, sns: Any) -> str:
    """A queue subscribed to the demo topic: where the benchmark sees the notification arrive."""
    queue_url: str = sqs.create_queue(QueueName=f"bench-restore-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=demo_topic_arn(stack.options.region),
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    return queue_url


def _wait_for_notification(sqs: Any, queue_url: str, restore_id: str) -> dict[str, Any]:
    def notified() -> dict[str, Any] | None:
        answer = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            body = _json_or_empty(message["Body"])
            if body.get("restore_id") == restore_id:
                return body
        return None

    return eventually(notified, timeout=300, interval=0)


def _settle(bench: Bench, restore_id: str) -> None:
    """Wait for the run that notified to log, then for every worker invocation to finish: a
    message stays in flight on the restore queue until its invocation returns (late concurrent
    runs of the request are part of what it cost)."""

    def notified_run_logged() -> bool | None:
        reports = worker_reports(bench.worker_log, restore_id)
        return True if any(report.get("outcome") == "notified" for report in reports) else None

    def restore_queue_drained() -> bool | None:
        attributes = bench.sqs.get_queue_attributes(
            QueueUrl=bench.outputs["RestoreQueueUrl"],
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return True if not any(int(count) for count in attributes.values()) else None

    eventually(notified_run_logged, timeout=60, interval=0.05)
    eventually(restore_queue_drained, timeout=900, interval=0.1)
    time.sleep(SETTLE_SECONDS)


def _size(size: int) -> str:
    return f"{size // MIB} MiB" if size >= MIB else f"{size // KIB} KiB"


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def report(results: Results) -> str:
    counts, timed, recorded = results.counts, results.timed, results.recorded
    per_file = counts["requests_per_file"]
    total_requests = sum(counts["requests"].values())

    def timing_row(label: str, pick: Callable[[PassResult], float | None]) -> str:
        return f"| {label} | {_seconds(pick(timed))} | {_seconds(pick(recorded))} |"

    lines = [
        f"deep_archive restores, {results.files} files from {results.archives} archives "
        f"(Standard tier, emulator restore delay {results.restore_delay_seconds:g} s), "
        f"{results.date}; machine: {results.machine}",
        f"files: {', '.join(f'{count} x {kind}' for kind, count in results.kinds.items())}; "
        f"{results.source_bytes:,} bytes, {results.compressed_bytes:,} compressed",
        "",
        "Bytes and requests (recorded pass):",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| bytes from ranged GETs / compressed size | {counts['ranged_bytes']:,} / "
        f"{results.compressed_bytes:,} | |",
        f"| bytes over its compressed size per file, max / mean | "
        f"{counts['overhead_max_bytes']:,} / {counts['overhead_mean_bytes']:,.1f} | "
        f"< {TARGET_OVERHEAD_BYTES} |",
        f"| each ranged GET's length over its member's compressed size, min / max | "
        f"{counts['range_overhead_min_bytes']} / {counts['range_overhead_max_bytes']} | 0 |",
        f"| bytes read, as the worker logged them | {recorded.worker_bytes_read:,} | |",
        f"| ranged GETs per file; files read more than once | "
        f"{counts['ranged_gets_per_file']:.2f}; {counts['files_read_more_than_once']} | 1; 0 |",
        f"| RestoreObject per archive | "
        f"{', '.join(map(str, counts['restore_object_per_archive'].values())) or 'none'} | 1 |",
        f"| HeadObject per archive | "
        f"{', '.join(map(str, counts['head_object_per_archive'].values())) or 'none'} | |",
        f"| requests per restored file, restore API + worker | "
        f"{total_requests / results.files:.2f} | |",
        "",
        "| request (restore API and worker) | count | per restored file |",
        "|---|---|---|",
        *(
            f"| {name} | {count} | {per_file[name]:.2f} |"
            for name, count in counts["requests"].items()
        ),
        "",
        "Local stack machinery in the same window (event-source pollers, not the restore path): "
        + ", ".join(f"{name} {count}" for name, count in counts["machinery_requests"].items()),
        "",
        "Time, seconds after the POST:",
        "",
        "| measure | recorder off | recorder on |",
        "|---|---|---|",
        timing_row("POST answered", lambda result: result.accepted_seconds),
        timing_row("first RestoreObject", lambda result: result.restores_started_seconds),
        timing_row("first archive readable", lambda result: result.first_readable_seconds),
        timing_row("all archives readable", lambda result: result.all_readable_seconds),
        timing_row("notification (wall time)", lambda result: result.wall_seconds),
        timing_row(
            "wall time less the restore delay",
            lambda result: result.wall_seconds - results.restore_delay_seconds,
        ),
        timing_row(
            "extraction: first archive readable to notification",
            lambda result: result.extraction_from_first_readable_seconds,
        ),
        timing_row(
            "extraction: all archives readable to notification",
            lambda result: result.extraction_from_all_readable_seconds,
        ),
        f"| worker invocations / advance runs | {timed.worker_invocations} / "
        f"{timed.worker_runs} | {recorded.worker_invocations} / {recorded.worker_runs} |",
        f"| restored files whose SHA-256 matched the source | {timed.sha256_verified} | "
        f"{recorded.sha256_verified} |",
    ]
    for label, result in (("recorder off", timed), ("recorder on", recorded)):
        lines += ["", f"Worker invocations for the request, {label} (from the worker's log):"]
        lines += [f"- {json.dumps(invocation)}" for invocation in result.worker_timeline]
    lines.extend(f"note: {note}" for note in results.notes)
    return "\n".join(lines)


def write_results(results: Results) -> Path:
    path = Path(os.environ.get(RESULTS_VARIABLE) or DEFAULT_RESULTS)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(results), indent=2) + "\n")
    return path


def record_into(path: Path) -> None:
    """Keep moto's recording in the benchmark's temp dir, not the working directory.

    moto reads ``MOTO_RECORDER_FILEPATH`` once, when first imported (here, at the stack's start);
    after an earlier benchmark in this process imported it, its recorder is pointed there
    directly (moto is pinned to 5.2.x, whose recorder keeps the path in ``_location``).
    """
    os.environ["MOTO_RECORDER_FILEPATH"] = str(path)
    moto_api = sys.modules.get("moto.moto_api")
    if moto_api is not None:
        moto_api.recorder._location = str(path)


def run() -> str:
    state = Path(tempfile.mkdtemp(prefix="strongroom-restore-bench-"))
    record_into(state / "moto-recording.jsonl")
    invocations = InvocationLog()
    options = StackOptions(
        state_dir=state,
        log=invocations.append,
        restore_delay_seconds=RESTORE_DELAY_SECONDS,
        seed_demo_data=True,
    )
    try:
        with LocalStack(options) as stack:
            results = measure(Bench.on(stack, invocations))
    finally:
        shutil.rmtree(state, ignore_errors=True)
    written = write_results(results)
    return f"{report(results)}\n\n(JSON: {written})"
