"""ZIP64: more than 65,535 members, and offsets and sizes past 4 GiB.

The 4 GiB archive goes to a sparse file: its big member is zeros from a generator, which the
sink seeks over, so the test costs a few seconds of hashing and almost no disk or memory.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from strongroom.deep_archive.domain.zip_reader import member_range, read_member
from strongroom.deep_archive.domain.zip_records import end_records
from strongroom.deep_archive.domain.zip_writer import ArchiveSummary, ArchiveWriter, MemberRecord
from tests.unit.deep_archive.zip_fakes import (
    MODIFIED,
    MemorySink,
    SparseFileSink,
    ledger_csv,
    needs_unzip,
    unzip_test,
)

FOUR_GIB = 4 * 1024**3
MANY = 70_000


def _extra_fields(extra: bytes) -> dict[int, bytes]:
    fields, position = {}, 0
    while position < len(extra):
        tag, size = struct.unpack_from("<HH", extra, position)
        fields[tag] = extra[position + 4 : position + 4 + size]
        position += 4 + size
    return fields


def _end_record(archive_tail: bytes) -> tuple[int, ...]:
    return struct.unpack("<IHHHHIIH", archive_tail[-22:])


# --- more than 65,535 members ------------------------------------------------------------


def _many_name(index: int) -> str:
    return f"batch/2025-04/{index:06d}.txt"


def _many_data(index: int) -> bytes:
    return b"" if index % 2 else f"row {index}\n".encode()


@pytest.fixture(scope="module")
def many_members() -> tuple[bytes, ArchiveSummary]:
    sink = MemorySink()
    writer = ArchiveWriter(sink)
    for index in range(MANY):
        writer.add(_many_name(index), _many_data(index), modified=MODIFIED)
    summary = writer.close()
    return sink.data, summary


def test_more_than_65535_members_are_all_listed_and_readable(
    many_members: tuple[bytes, ArchiveSummary],
) -> None:
    archive, summary = many_members

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        infos = opened.infolist()
        assert opened.testzip() is None
        assert opened.read(_many_name(MANY - 1)) == _many_data(MANY - 1)
        assert opened.read(_many_name(65_536)) == _many_data(65_536)

    assert summary.member_count == len(infos) == MANY
    assert [info.filename for info in infos[65_530:65_540]] == [
        _many_name(index) for index in range(65_530, 65_540)
    ]


def test_more_than_65535_members_use_the_zip64_end_records(
    many_members: tuple[bytes, ArchiveSummary],
) -> None:
    archive, summary = many_members

    end = _end_record(archive)
    locator = struct.unpack("<IIQI", archive[-42:-22])
    zip64_end = struct.unpack_from("<IQHHIIQQQQ", archive, locator[2])

    assert summary.zip64
    assert end[3:5] == (0xFFFF, 0xFFFF)  # count does not fit: see the ZIP64 record
    assert end[5:7] == (summary.central_directory_size, summary.central_directory_offset)
    assert locator[0] == 0x07064B50
    assert locator[2] == summary.central_directory_offset + summary.central_directory_size
    assert zip64_end[0] == 0x06064B50
    assert zip64_end[6:] == (
        MANY,
        MANY,
        summary.central_directory_size,
        summary.central_directory_offset,
    )


@needs_unzip
def test_info_zip_unzip_accepts_more_than_65535_members(
    many_members: tuple[bytes, ArchiveSummary], tmp_path: Path
) -> None:
    archive, _ = many_members
    path = tmp_path / "many.zip"
    path.write_bytes(archive)

    output = unzip_test(path)

    assert output.count(" OK\n") == MANY


@pytest.mark.parametrize(
    ("member_count", "directory_offset", "directory_size", "zip64"),
    [
        pytest.param(65_534, 0, 0, False, id="65534 members fit"),
        pytest.param(65_535, 0, 0, True, id="65535 is the marker itself"),
        pytest.param(3, 0xFFFF_FFFE, 1, False, id="offset just fits"),
        pytest.param(3, 0xFFFF_FFFF, 1, True, id="offset is the marker"),
        pytest.param(3, 0, 0xFFFF_FFFF, True, id="directory size is the marker"),
    ],
)
def test_zip64_end_records_are_written_exactly_when_a_field_overflows(
    member_count: int, directory_offset: int, directory_size: int, zip64: bool
) -> None:
    records = end_records(member_count, directory_offset, directory_size)

    assert len(records) == (22 + 56 + 20 if zip64 else 22)
    end = _end_record(records)
    assert end[3] == min(member_count, 0xFFFF)
    assert end[5:7] == (min(directory_size, 0xFFFFFFFF), min(directory_offset, 0xFFFFFFFF))


# --- past 4 GiB ---------------------------------------------------------------------------


def _zeros(total: int, chunk_size: int = 4 * 1024 * 1024) -> Iterator[bytes]:
    chunk = bytes(chunk_size)
    while total:
        yield chunk if total >= chunk_size else chunk[:total]
        total -= min(total, chunk_size)


HUGE_SIZE = FOUR_GIB + 1024 * 1024 + 3
AFTER_IN_MEMORY = ledger_csv(300, seed=21)
AFTER_STREAMED = ledger_csv(300, seed=22)


@pytest.fixture(scope="module")
def past_four_gib(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, dict[str, MemberRecord], ArchiveSummary, SparseFileSink]]:
    path = tmp_path_factory.mktemp("zip64") / "past-4gib.zip"
    with path.open("wb") as file:
        sink = SparseFileSink(file)
        writer = ArchiveWriter(sink)
        records = [
            writer.add("before.txt", b"before " * 100, modified=MODIFIED),
            writer.add_stream(
                "huge/zeros.bin", _zeros(HUGE_SIZE), modified=MODIFIED, compress=False
            ),
            writer.add("after/in-memory.csv", AFTER_IN_MEMORY, modified=MODIFIED),
            writer.add_stream(
                "after/streamed.csv", [AFTER_STREAMED], modified=MODIFIED, compress=True
            ),
        ]
        summary = writer.close()
        sink.finish()
    yield path, {record.name: record for record in records}, summary, sink
    path.unlink()  # sparse, but 4 GiB long to anything that copies it


def test_members_after_the_4_gib_mark_are_read_back_by_zipfile(
    past_four_gib: tuple[Path, dict[str, MemberRecord], ArchiveSummary, SparseFileSink],
) -> None:
    path, records, summary, sink = past_four_gib

    with zipfile.ZipFile(path) as opened:
        infos = {info.filename: info for info in opened.infolist()}
        assert opened.read("after/in-memory.csv") == AFTER_IN_MEMORY
        assert opened.read("after/streamed.csv") == AFTER_STREAMED
        assert opened.read("before.txt") == b"before " * 100
        assert opened.testzip() is None  # includes the CRC of the 4 GiB member

    assert sink.hole_bytes >= FOUR_GIB  # the zeros were never written out
    assert path.stat().st_size == summary.bytes_written > FOUR_GIB
    huge = records["huge/zeros.bin"]
    assert (huge.size, huge.compressed_size, huge.method) == (HUGE_SIZE, HUGE_SIZE, "stored")
    assert (infos["huge/zeros.bin"].file_size, infos["huge/zeros.bin"].CRC) == (
        HUGE_SIZE,
        huge.crc32,
    )
    for name in ("after/in-memory.csv", "after/streamed.csv"):
        assert records[name].header_offset > 0xFFFF_FFFF
        assert infos[name].header_offset == records[name].header_offset


def test_past_4_gib_the_central_directory_carries_zip64_fields_where_needed(
    past_four_gib: tuple[Path, dict[str, MemberRecord], ArchiveSummary, SparseFileSink],
) -> None:
    path, records, summary, _ = past_four_gib

    with zipfile.ZipFile(path) as opened:
        extras = {info.filename: _extra_fields(info.extra) for info in opened.infolist()}
        versions = {info.filename: info.extract_version for info in opened.infolist()}

    assert 0x0001 not in extras["before.txt"]
    assert versions["before.txt"] == 20
    # Both sizes overflow, the offset (0 + before.txt) does not: only the sizes, in spec order.
    huge = records["huge/zeros.bin"]
    assert extras["huge/zeros.bin"][0x0001] == struct.pack("<QQ", HUGE_SIZE, HUGE_SIZE)
    assert huge.header_offset < 0xFFFF_FFFF
    # Small members past the mark: only their header offset.
    for name in ("after/in-memory.csv", "after/streamed.csv"):
        assert extras[name][0x0001] == struct.pack("<Q", records[name].header_offset)
        assert versions[name] == 45
    assert summary.zip64
    assert summary.central_directory_offset > 0xFFFF_FFFF


def test_a_member_past_4_gib_is_restored_from_its_byte_range(
    past_four_gib: tuple[Path, dict[str, MemberRecord], ArchiveSummary, SparseFileSink],
) -> None:
    path, records, _, _ = past_four_gib
    record = records["after/streamed.csv"]
    first, last = member_range(record.data_offset, record.compressed_size)

    with path.open("rb") as file:
        file.seek(first)
        raw = file.read(last - first + 1)

    assert first > FOUR_GIB
    assert read_member(raw, record) == AFTER_STREAMED


@needs_unzip
def test_info_zip_unzip_accepts_the_members_past_4_gib(
    past_four_gib: tuple[Path, dict[str, MemberRecord], ArchiveSummary, SparseFileSink],
) -> None:
    path, _, _, _ = past_four_gib

    # Testing the 4 GiB member too would add ~13 s of CRC; zipfile's testzip covers it above.
    output = unzip_test(path, "before.txt", "after/in-memory.csv", "after/streamed.csv")

    assert output.count(" OK\n") == 3
