"""The demo runs `strongroom` commands as a user would: output shown, a failure fails the step."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from strongroom.demo.narration import Narrator, StepFailed
from strongroom.demo.scenarios.archive_catalog import CatalogEntry, read_member, readable


def narrator() -> tuple[Narrator, io.StringIO]:
    output = io.StringIO()
    return Narrator(Console(file=output, width=120)), output


def test_a_command_s_output_is_shown_and_returned(tmp_path: Path) -> None:
    shown, output = narrator()

    printed = shown.run(tmp_path, "audit", "history", "--help")

    assert "Print one item's audit trail" in printed
    assert "$ strongroom audit history --help" in output.getvalue()


def test_a_failing_command_fails_the_step_with_its_error(tmp_path: Path) -> None:
    shown, _ = narrator()

    with pytest.raises(StepFailed, match=r"exited 1: .*endpoints\.json not found"):
        shown.run(tmp_path, "audit", "history", "CACHE_TTL_SEC")


def test_only_a_finished_restore_is_readable() -> None:
    assert not readable({})
    assert not readable({"Restore": 'ongoing-request="true"'})
    assert readable(
        {"Restore": 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'}
    )


class _OneObjectS3:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def get_object(self, *, Bucket: str, Key: str, Range: str) -> dict[str, Any]:
        first, last = (int(bound) for bound in Range.removeprefix("bytes=").split("-"))
        return {"Body": io.BytesIO(self.body[first : last + 1])}


def test_one_member_is_read_back_with_one_ranged_get_and_checked() -> None:
    content = b"report,branch,value\n" * 50
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/report.csv", content)
    body = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        info = archive.getinfo("a/report.csv")
    data_offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    entry = CatalogEntry(
        key="a/report.csv",
        etag="etag",
        last_modified="2026-01-01T00:00:00.000Z",
        archive_bucket="archives",
        archive_key="part-000000.zip",
        data_offset=data_offset,
        compressed_size=info.compress_size,
        size=len(content),
        method="deflated",
        crc32=info.CRC,
        sha256=hashlib.sha256(content).hexdigest(),
    )

    assert read_member(_OneObjectS3(body), entry) == (content, info.compress_size)
    with pytest.raises(StepFailed, match="CRC-32"):
        read_member(_OneObjectS3(body), replace(entry, crc32=1))
