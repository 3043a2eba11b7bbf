"""Sinks standing in for the multipart uploader, sample members, and the ``unzip -t`` check."""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Literal

import pytest

from strongroom.deep_archive.domain.zip_writer import ArchiveWriter, MemberRecord

MODIFIED = datetime(2025, 4, 10, 3, 0, 7, tzinfo=UTC)

Mode = Literal["auto", "deflate", "store", "stream-store", "stream-deflate"]

UNZIP = shutil.which("unzip")

needs_unzip = pytest.mark.skipif(
    UNZIP is None, reason="Info-ZIP unzip is not installed: the cross-check with a second reader"
)


class MemorySink:
    """Keeps every byte, and how the writer handed them over."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.writes = 0

    def write(self, data: bytes | memoryview, /) -> None:
        self.buffer += data
        self.writes += 1

    @property
    def data(self) -> bytes:
        return bytes(self.buffer)


class BreakingSink(MemorySink):
    """Accepts ``capacity`` bytes, then fails as a lost connection would."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def write(self, data: bytes | memoryview, /) -> None:
        if len(self.buffer) + len(data) > self.capacity:
            raise ConnectionError("upload part failed")
        super().write(data)


class SparseFileSink:
    """Writes to a file but seeks over all-zero writes, so gigabytes of zeros cost no disk.

    The file reads back exactly as the bytes written (holes read as zeros); the archive can then
    be opened by zipfile and unzip like any other.
    """

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._zeros = b""
        self.length = 0
        self.hole_bytes = 0

    def write(self, data: bytes | memoryview, /) -> None:
        length = len(data)
        if length >= 4096 and bytes(data) == self._zero_run(length):
            self._file.seek(length, 1)
            self.hole_bytes += length
        else:
            self._file.write(data)
        self.length += length

    def _zero_run(self, length: int) -> bytes:
        if len(self._zeros) != length:
            self._zeros = bytes(length)
        return self._zeros

    def finish(self) -> None:
        self._file.truncate(self.length)  # a trailing hole must still count in the file length
        self._file.flush()


def unzip_test(archive: Path, *members: str) -> str:
    """Runs Info-ZIP's ``unzip -t`` on ``archive`` (or only ``members``); output if it passes."""
    assert UNZIP is not None
    result = subprocess.run(
        [UNZIP, "-t", str(archive), *members],
        capture_output=True,
        check=False,
        timeout=120,
    )
    output = result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, output[-4000:]
    assert "No errors detected" in output, output[-4000:]
    return output


@dataclass(frozen=True)
class SampleMember:
    name: str
    data: bytes
    mode: Mode = "auto"
    chunk_size: int = 64 * 1024


def chunked(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def add_member(writer: ArchiveWriter, member: SampleMember) -> MemberRecord:
    """Adds ``member`` the way its mode says: in memory (auto/forced) or streamed."""
    if member.mode.startswith("stream-"):
        return writer.add_stream(
            member.name,
            chunked(member.data, member.chunk_size),
            modified=MODIFIED,
            compress=member.mode == "stream-deflate",
        )
    compress = {"auto": None, "deflate": True, "store": False}[member.mode]
    return writer.add(member.name, member.data, modified=MODIFIED, compress=compress)


def write_archive(members: Sequence[SampleMember]) -> tuple[bytes, list[MemberRecord]]:
    sink = MemorySink()
    writer = ArchiveWriter(sink)
    records = [add_member(writer, member) for member in members]
    summary = writer.close()
    assert summary.bytes_written == len(sink.buffer)
    return sink.data, records


def ledger_csv(rows: int, seed: int = 7) -> bytes:
    """Compressible, realistic text: what most archived objects look like."""
    rng = random.Random(seed)
    lines = ["date,account,amount,currency"]
    lines += [
        f"2025-04-{rng.randint(1, 30):02d},ACC-{rng.randint(1000, 9999)},"
        f"{rng.randint(1, 10**6) / 100:.2f},EUR"
        for _ in range(rows)
    ]
    return "\n".join(lines).encode()


def noise(length: int, seed: int = 11) -> bytes:
    """Incompressible bytes."""
    return random.Random(seed).randbytes(length)


def sample_members() -> list[SampleMember]:
    """Every kind of member the packer produces, names as S3 keys."""
    return [
        SampleMember("reports/2025/04/summary.csv", ledger_csv(2000)),
        SampleMember("eu-west/data.csv", ledger_csv(50, seed=1)),
        SampleMember("us-east/data.csv", ledger_csv(50, seed=2)),
        SampleMember("kunden/über-größe/日本語のファイル.txt", "grüße, 世界\n".encode() * 40),
        SampleMember("empty/zero-length.txt", b""),
        SampleMember("blobs/random.bin", noise(20_000)),
        SampleMember("photos/scan.JPG", ledger_csv(100, seed=3)),
        SampleMember("forced/deflated-noise.bin", noise(5_000, seed=4), mode="deflate"),
        SampleMember("forced/stored-text.csv", ledger_csv(100, seed=5), mode="store"),
        SampleMember("large/stored.bin", noise(300_000, seed=6), mode="stream-store"),
        SampleMember(
            "large/deflated.csv", ledger_csv(20_000, seed=8), mode="stream-deflate", chunk_size=7919
        ),
        SampleMember("large/empty-stored", b"", mode="stream-store"),
        SampleMember("large/empty-deflated", b"", mode="stream-deflate"),
        SampleMember("after/streams/tail.txt", b"the last one", mode="auto"),
    ]
