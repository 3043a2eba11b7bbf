"""A source bucket that is not the bottleneck: files served by nginx as path-style GETs.

The emulator answers about 200 GETs a second whatever the client, so it cannot show what the
packer's reader can do. nginx serving ``<root>/<bucket>/<key>`` answers ``GET /<bucket>/<key>``
as S3's path style would, with ``ETag``, ``Last-Modified``, ranges and ``If-Match``, at tens of
thousands of small GETs a second. The listing comes from an S3 Inventory-style CSV written here
and read back by the packer's own inventory reader, so that path is exercised too.

nginx runs as our child with its own config in the temp dir (loopback, a free port, one worker
per core, no access log, sendfile); nothing outside the temp dir is touched.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import quote_plus

from obstore.store import S3Store

from strongroom.deep_archive.adapters.obstore_config import StoreTuning
from strongroom.deep_archive.adapters.source_listing import SkipTally, read_inventory_file
from strongroom.deep_archive.domain.grouping import SourceObject

NGINX_CANDIDATES: Final = (
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/local/nginx/sbin/nginx",
)
ECHO_MODULE_CANDIDATES: Final = (
    "/usr/lib/nginx/modules/ngx_http_echo_module.so",
    "/usr/lib64/nginx/modules/ngx_http_echo_module.so",
)
"""The echo module (Debian: libnginx-mod-http-echo) adds a fixed delay before each response."""
INVENTORY_COLUMNS: Final = ("Bucket", "Key", "Size", "LastModifiedDate", "ETag", "StorageClass")
_START_TIMEOUT_SECONDS: Final = 10.0
_WRITE_CHUNK: Final = 4 * 1024 * 1024


class NginxNotInstalled(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "nginx is not installed: this benchmark serves the source objects with it. "
            "Install it with `apt-get install nginx` (Debian/Ubuntu) and run again."
        )


def find_nginx() -> str:
    """The nginx binary; Debian puts it in /usr/sbin, which is often not on a user's PATH."""
    found = shutil.which("nginx")
    if found:
        return found
    for candidate in NGINX_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    raise NginxNotInstalled


def find_echo_module() -> Path | None:
    for candidate in ECHO_MODULE_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class DelayedServer:
    """A second server on ``port`` serving the same files after ``delay_ms`` (echo module)."""

    port: int
    delay_ms: int
    module: Path


def nginx_config(workdir: Path, root: Path, port: int, delayed: DelayedServer | None) -> str:
    """A complete nginx.conf; every path nginx writes is under ``workdir``."""
    temp = workdir / "nginx-temp"
    load = f"load_module {delayed.module};" if delayed else ""
    delayed_server = (
        f"""
    server {{
        listen 127.0.0.1:{delayed.port};
        root {root};
        location / {{ echo_sleep {delayed.delay_ms / 1000:.3f}; echo_exec @file; }}
        location @file {{ }}
    }}"""
        if delayed
        else ""
    )
    return f"""
{load}
daemon off;
master_process on;
worker_processes auto;
pid {workdir / "nginx.pid"};
error_log {workdir / "nginx-error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}{delayed_server}
}}
"""


class NginxServer:
    """nginx serving ``root`` on a free loopback port while the context is open.

    With ``delay_ms`` and the echo module installed, a second port serves the same files after
    that delay, to see what a store with S3-like latency asks of the reader's concurrency.
    """

    def __init__(self, root: Path, workdir: Path, *, delay_ms: int = 0) -> None:
        self.root = root
        self.workdir = workdir
        self.delay_ms = delay_ms
        self.port = 0
        self.delayed: DelayedServer | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def delayed_url(self) -> str | None:
        return f"http://127.0.0.1:{self.delayed.port}" if self.delayed else None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("nginx is not running")
        return self._process.pid

    def __enter__(self) -> NginxServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        binary = find_nginx()
        (self.workdir / "nginx-temp").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        module = find_echo_module()
        if self.delay_ms and module:
            self.delayed = DelayedServer(free_port(), self.delay_ms, module)
        config = self.workdir / "nginx.conf"
        config.write_text(nginx_config(self.workdir, self.root, self.port, self.delayed))
        error_log = self.workdir / "nginx-error.log"
        command = [binary, "-p", str(self.workdir), "-c", str(config), "-e", str(error_log)]
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not accepts(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = error_log.read_text() if error_log.exists() else "(no error log)"
                raise RuntimeError(f"nginx did not start on port {self.port}:\n{log}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def worker_pids(self) -> list[int]:
        return _children(self.pid)

    def worker_cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the master and its worker processes."""
        pids = [self.pid, *self.worker_pids()]
        return sum(process_cpu_seconds(pid) for pid in pids)


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _children(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return children


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, proc(5)).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TextPool:
    """Compressible content like the records an archive holds: JSON lines with random values.

    Objects are slices of one pool at different offsets, so no two are the same and each
    deflates like real log or record data (members are compressed one by one, so sharing a pool
    gains deflate nothing).
    """

    def __init__(self, size: int = 8 * 1024 * 1024, seed: int = 2026) -> None:
        chooser = random.Random(seed)
        events = ("login", "logout", "upload", "download", "delete", "share", "rename")
        lines: list[str] = []
        length = 0
        while length < size:
            line = (
                f'{{"ts":"2026-{chooser.randint(1, 12):02d}-{chooser.randint(1, 28):02d}T'
                f"{chooser.randint(0, 23):02d}:{chooser.randint(0, 59):02d}:"
                f'{chooser.randint(0, 59):02d}.{chooser.randint(0, 999):03d}Z",'
                f'"user":"user-{chooser.randint(0, 99999):05d}",'
                f'"event":"{chooser.choice(events)}",'
                f'"ip":"10.{chooser.randint(0, 255)}.{chooser.randint(0, 255)}.'
                f'{chooser.randint(0, 255)}",'
                f'"bytes":{chooser.randint(0, 10**9)},"latency_ms":{chooser.randint(1, 5000)},'
                f'"ok":{"true" if chooser.random() < 0.97 else "false"}}}\n'
            )
            lines.append(line)
            length += len(line)
        pool = "".join(lines).encode()[:size]
        self._doubled = pool + pool
        self.size = size

    def content(self, index: int, size: int) -> Iterator[memoryview]:
        """Object ``index``'s bytes, in pieces of at most a few MiB."""
        view = memoryview(self._doubled)
        start = (index * 104_729) % self.size
        remaining = size
        while remaining:
            taken = min(remaining, _WRITE_CHUNK, self.size)
            yield view[start : start + taken]
            remaining -= taken
            start = (start + taken) % self.size

    def whole(self, index: int, size: int) -> bytes:
        return b"".join(self.content(index, size))


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    key: str
    size: int
    index: int


def write_objects(root: Path, bucket: str, specs: Iterable[ObjectSpec], pool: TextPool) -> None:
    """Write each object to ``root/bucket/key`` (readable by nginx's unprivileged workers)."""
    for spec in specs:
        path = root / bucket / spec.key
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            for piece in pool.content(spec.index, spec.size):
                file.write(piece)


def nginx_etag(path: Path) -> str:
    """The ETag nginx sends for a static file: hex mtime and hex size, in quotes."""
    stat = path.stat()
    return f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'


def write_inventory(root: Path, bucket: str, keys: Sequence[str], destination: Path) -> int:
    """Write an S3 Inventory CSV data file (gzip, no header, keys URL-encoded) for ``keys``.

    The ETags are nginx's, written bare as the inventory writes S3's, so the reader's
    ``If-Match`` holds against nginx too. Returns the number of rows.
    """
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for key in keys:
        path = root / bucket / key
        stat = path.stat()
        modified = datetime.fromtimestamp(int(stat.st_mtime), UTC)
        writer.writerow(
            [
                bucket,
                quote_plus(key, safe="/"),
                stat.st_size,
                modified.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                nginx_etag(path).strip('"'),
                "STANDARD",
            ]
        )
    destination.write_bytes(gzip.compress(text.getvalue().encode(), compresslevel=6))
    return len(keys)


def read_listing(inventory: Path, prefix: str = "") -> list[SourceObject]:
    """The objects in an inventory data file, read by the packer's own inventory reader."""
    skipped = SkipTally()
    with inventory.open("rb") as stream:
        objects = list(
            read_inventory_file(stream, INVENTORY_COLUMNS, prefix=prefix, on_skipped=skipped)
        )
    if skipped.total:
        raise RuntimeError(f"the inventory reader skipped {skipped.total} benchmark objects")
    return objects


def unsigned_http_store(
    base_url: str, bucket: str, *, region: str = "us-east-1", tuning: StoreTuning | None = None
) -> S3Store:
    """A store that GETs ``{base_url}/{bucket}/{key}`` without signing: for a plain HTTP server.

    Benchmarks point this at a static server (nginx) to measure the client without S3 in the
    way; the URL layout is S3's path style, so the same reader code runs unchanged.
    """
    tuning = tuning or StoreTuning()
    return S3Store(
        bucket,
        config={
            "endpoint": base_url.rstrip("/"),
            "region": region,
            "virtual_hosted_style_request": False,
            "skip_signature": True,
        },
        client_options=tuning.client_options(allow_http=base_url.startswith("http://")),
        retry_config=tuning.retry_config(),
    )
