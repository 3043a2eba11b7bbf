"""The streaming ZIP writer: archives that standard readers open, with the catalog's offsets."""

from __future__ import annotations

import hashlib
import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from strongroom.deep_archive.domain.zip_records import METHOD_IDS
from strongroom.deep_archive.domain.zip_writer import (
    ArchiveWriter,
    ArchiveWriterClosed,
    MemberRecord,
)
from tests.unit.deep_archive.zip_fakes import (
    MODIFIED,
    BreakingSink,
    MemorySink,
    SampleMember,
    add_member,
    ledger_csv,
    needs_unzip,
    noise,
    sample_members,
    unzip_test,
    write_archive,
)


def _extra_fields(extra: bytes) -> dict[int, bytes]:
    fields, position = {}, 0
    while position < len(extra):
        tag, size = struct.unpack_from("<HH", extra, position)
        fields[tag] = extra[position + 4 : position + 4 + size]
        position += 4 + size
    return fields


def _local_header(archive: bytes, record: MemberRecord) -> tuple[tuple[int, ...], bytes, bytes]:
    """(fixed fields, name, extra) of the local header at ``record.header_offset``."""
    fields = struct.unpack_from("<IHHHHHIIIHH", archive, record.header_offset)
    name_start = record.header_offset + 30
    name = archive[name_start : name_start + fields[9]]
    extra = archive[name_start + fields[9] : name_start + fields[9] + fields[10]]
    return fields, name, extra


@pytest.fixture(scope="module")
def sample() -> tuple[list[SampleMember], bytes, list[MemberRecord]]:
    members = sample_members()
    archive, records = write_archive(members)
    return members, archive, records


def test_zipfile_reads_back_every_member_exactly(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    members, archive, _ = sample

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.testzip() is None
        assert opened.namelist() == [member.name for member in members]
        for member in members:
            assert opened.read(member.name) == member.data, member.name


def test_keys_with_the_same_file_name_in_different_folders_both_survive(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    _, archive, _ = sample

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        eu, us = opened.read("eu-west/data.csv"), opened.read("us-east/data.csv")

    assert eu == ledger_csv(50, seed=1)
    assert us == ledger_csv(50, seed=2)
    assert eu != us


@needs_unzip
def test_info_zip_unzip_accepts_the_archive(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]], tmp_path: Path
) -> None:
    members, archive, _ = sample
    path = tmp_path / "sample.zip"
    path.write_bytes(archive)

    output = unzip_test(path)

    assert output.count(" OK\n") == len(members)


def test_records_match_what_zipfile_finds_in_the_central_directory(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    members, archive, records = sample

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        infos = opened.infolist()

    for member, record, info in zip(members, records, infos, strict=True):
        assert record.name == info.filename == member.name
        assert record.header_offset == info.header_offset
        assert METHOD_IDS[record.method] == info.compress_type
        assert record.size == info.file_size == len(member.data)
        assert record.compressed_size == info.compress_size
        assert record.crc32 == info.CRC == zlib.crc32(member.data)
        assert record.sha256 == hashlib.sha256(member.data).hexdigest()


def test_data_offset_points_at_the_member_s_compressed_bytes(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    _, archive, records = sample

    for record in records:
        _, name, extra = _local_header(archive, record)
        assert name == record.name.encode()
        assert record.data_offset == record.header_offset + 30 + len(name) + len(extra)


def test_every_name_is_flagged_utf8_and_only_streamed_members_use_a_data_descriptor(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    members, archive, _ = sample

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        infos = opened.infolist()

    for member, info in zip(members, infos, strict=True):
        streamed = member.mode.startswith("stream-")
        assert info.flag_bits & 0x800, info.filename
        assert bool(info.flag_bits & 0x08) == streamed, info.filename


def test_versions_say_zip64_only_where_it_is_used(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    members, archive, records = sample

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        infos = opened.infolist()

    for member, record, info in zip(members, records, infos, strict=True):
        expected = 45 if member.mode.startswith("stream-") else 20
        fields, _, _ = _local_header(archive, record)
        assert info.extract_version == fields[1] == expected, info.filename
        assert (info.create_system, info.create_version) == (3, 45)
        assert info.external_attr >> 16 == 0o100644


def test_a_streamed_member_has_zip64_sizes_in_its_local_header_and_descriptor(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    _, archive, records = sample
    record = next(record for record in records if record.name == "large/deflated.csv")

    fields, _, extra = _local_header(archive, record)
    descriptor = struct.unpack_from("<IIQQ", archive, record.data_offset + record.compressed_size)

    _, _, flags, method, _, _, crc, compressed32, size32, _, _ = fields
    assert (flags & 0x08, method, crc) == (0x08, 8, 0)
    assert (compressed32, size32) == (0xFFFFFFFF, 0xFFFFFFFF)
    assert _extra_fields(extra)[0x0001] == bytes(16)  # sizes unknown when the header left
    assert descriptor == (0x08074B50, record.crc32, record.compressed_size, record.size)


def test_a_member_in_memory_has_crc_and_sizes_in_its_local_header(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    _, archive, records = sample
    record = records[0]

    fields, _, extra = _local_header(archive, record)

    assert fields[6:9] == (record.crc32, record.compressed_size, record.size)
    assert 0x0001 not in _extra_fields(extra)


def test_modified_time_is_dos_time_in_utc_and_an_extended_timestamp() -> None:
    in_oslo = datetime(2025, 4, 10, 5, 0, 7, tzinfo=timezone(timedelta(hours=2)))
    sink = MemorySink()
    writer = ArchiveWriter(sink)
    record = writer.add("a.txt", b"x", modified=in_oslo)
    writer.close()

    with zipfile.ZipFile(io.BytesIO(sink.data)) as opened:
        info = opened.getinfo("a.txt")
    _, _, local_extra = _local_header(sink.data, record)

    assert info.date_time == (2025, 4, 10, 3, 0, 6)  # UTC, in DOS's 2-second steps
    expected = b"\x01" + struct.pack("<I", int(in_oslo.timestamp()))
    assert _extra_fields(info.extra)[0x5455] == expected
    assert _extra_fields(local_extra)[0x5455] == expected


@pytest.mark.parametrize(
    ("modified", "dos", "has_unix_time"),
    [
        pytest.param(
            datetime(1969, 7, 20, 20, 17, tzinfo=UTC), (1980, 1, 1, 0, 0, 0), False, id="pre-1980"
        ),
        pytest.param(
            datetime(2040, 2, 29, 12, 0, 1, tzinfo=UTC), (2040, 2, 29, 12, 0, 0), False, id="2040"
        ),
        pytest.param(
            datetime(2200, 1, 1, tzinfo=UTC), (2107, 12, 31, 23, 59, 58), False, id="after 2107"
        ),
        pytest.param(datetime(1980, 1, 1, tzinfo=UTC), (1980, 1, 1, 0, 0, 0), True, id="DOS epoch"),
    ],
)
def test_times_outside_the_format_s_range_are_clamped_or_left_to_dos_time(
    modified: datetime, dos: tuple[int, ...], has_unix_time: bool
) -> None:
    sink = MemorySink()
    writer = ArchiveWriter(sink)
    writer.add("a.txt", b"x", modified=modified)
    writer.close()

    with zipfile.ZipFile(io.BytesIO(sink.data)) as opened:
        info = opened.getinfo("a.txt")
        assert opened.read("a.txt") == b"x"

    assert info.date_time == dos
    assert (0x5455 in _extra_fields(info.extra)) == has_unix_time


def test_a_naive_modified_time_is_refused() -> None:
    writer = ArchiveWriter(MemorySink())

    with pytest.raises(ValueError, match="timezone-aware"):
        writer.add("a.txt", b"x", modified=datetime(2025, 4, 10, 3, 0))


@pytest.mark.parametrize(
    ("name", "data", "compress", "method"),
    [
        pytest.param("logs/app.log", ledger_csv(200), None, "deflated", id="text deflates"),
        pytest.param("blobs/noise.bin", noise(4096), None, "stored", id="noise stays stored"),
        pytest.param("img/scan.jpeg", ledger_csv(200), None, "stored", id="jpeg by suffix"),
        pytest.param("x/TABLE.PARQUET", ledger_csv(200), None, "stored", id="suffix any case"),
        pytest.param("x/.gz", ledger_csv(200), None, "deflated", id="dot file is no suffix"),
        pytest.param("gz/readme", ledger_csv(200), None, "deflated", id="folder is no suffix"),
        pytest.param("tiny.txt", b"ab", None, "stored", id="deflate would grow it"),
        pytest.param("empty.txt", b"", None, "stored", id="empty"),
        pytest.param("blobs/noise.bin", noise(4096), True, "deflated", id="forced deflate"),
        pytest.param("img/scan.jpeg", ledger_csv(200), True, "deflated", id="forced over suffix"),
        pytest.param("logs/app.log", ledger_csv(200), False, "stored", id="forced store"),
    ],
)
def test_compression_is_chosen_by_content_and_name_unless_forced(
    name: str, data: bytes, compress: bool | None, method: str
) -> None:
    sink = MemorySink()
    writer = ArchiveWriter(sink)

    record = writer.add(name, data, modified=MODIFIED, compress=compress)
    writer.close()

    assert record.method == method
    with zipfile.ZipFile(io.BytesIO(sink.data)) as opened:
        assert opened.read(name) == data


def test_a_higher_compression_level_is_used() -> None:
    data = ledger_csv(3000)
    fast, best = MemorySink(), MemorySink()

    fast_record = ArchiveWriter(fast, compression_level=1).add("a.csv", data, modified=MODIFIED)
    best_record = ArchiveWriter(best, compression_level=9).add("a.csv", data, modified=MODIFIED)

    assert best_record.compressed_size < fast_record.compressed_size


@pytest.mark.parametrize("level", [-1, 10])
def test_an_out_of_range_compression_level_is_refused(level: int) -> None:
    with pytest.raises(ValueError, match="compression_level"):
        ArchiveWriter(MemorySink(), compression_level=level)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("a\x00b", "NUL", id="NUL"),
        pytest.param("bad\udcff", "Unicode", id="lone surrogate"),
        pytest.param("é" * 40_000, "65535", id="too long in UTF-8"),
    ],
)
def test_an_unusable_name_is_refused_and_the_archive_stays_usable(name: str, message: str) -> None:
    sink = MemorySink()
    writer = ArchiveWriter(sink)

    with pytest.raises(ValueError, match=message):
        writer.add(name, b"x", modified=MODIFIED)
    with pytest.raises(ValueError, match=message):
        writer.add_stream(name, [b"x"], modified=MODIFIED, compress=False)
    writer.add("fine.txt", b"y", modified=MODIFIED)
    writer.close()

    with zipfile.ZipFile(io.BytesIO(sink.data)) as opened:
        assert opened.namelist() == ["fine.txt"]
        assert opened.testzip() is None


def test_a_writer_refuses_members_after_close() -> None:
    writer = ArchiveWriter(MemorySink())
    writer.close()

    with pytest.raises(ArchiveWriterClosed, match="closed"):
        writer.add("a.txt", b"x", modified=MODIFIED)
    with pytest.raises(ArchiveWriterClosed, match="closed"):
        writer.close()


def test_a_failed_sink_write_leaves_the_writer_refusing_everything() -> None:
    writer = ArchiveWriter(BreakingSink(capacity=100))
    writer.add("small.txt", b"x", modified=MODIFIED)

    with pytest.raises(ConnectionError):
        writer.add("big.bin", noise(1000), modified=MODIFIED)
    with pytest.raises(ArchiveWriterClosed, match="abort"):
        writer.add("next.txt", b"x", modified=MODIFIED)
    with pytest.raises(ArchiveWriterClosed, match="abort"):
        writer.close()


def test_a_source_failing_mid_stream_leaves_the_writer_refusing_everything() -> None:
    def failing_source() -> Iterator[bytes]:
        yield b"first part"
        raise OSError("GET connection reset")

    writer = ArchiveWriter(MemorySink())

    with pytest.raises(OSError, match="connection reset"):
        writer.add_stream("big.bin", failing_source(), modified=MODIFIED, compress=True)
    with pytest.raises(ArchiveWriterClosed, match="abort"):
        writer.close()


def test_an_empty_archive_is_a_valid_zip() -> None:
    sink = MemorySink()

    summary = ArchiveWriter(sink).close()

    assert summary.member_count == 0
    assert summary.bytes_written == len(sink.data) == 22
    with zipfile.ZipFile(io.BytesIO(sink.data)) as opened:
        assert opened.namelist() == []


def test_the_summary_describes_the_archive_written() -> None:
    sink = MemorySink()
    writer = ArchiveWriter(sink)
    for member in sample_members():
        add_member(writer, member)
    offset = writer.bytes_written

    summary = writer.close()

    assert summary.bytes_written == len(sink.data)
    assert summary.member_count == len(sample_members())
    assert summary.central_directory_offset == offset
    assert summary.zip64 is False
    with zipfile.ZipFile(io.BytesIO(sink.data)) as opened:
        assert opened.start_dir == summary.central_directory_offset
    end = struct.unpack_from("<IHHHHIIH", sink.data, len(sink.data) - 22)
    assert end[5:7] == (summary.central_directory_size, summary.central_directory_offset)


def test_only_the_central_directory_entry_is_retained_per_member() -> None:
    names = ["a.txt", "deeper/folder/b.csv", "ünïcode/ファイル.txt"]
    writer = ArchiveWriter(MemorySink())

    writer.add(names[0], noise(50_000), modified=MODIFIED)
    writer.add(names[1], ledger_csv(1000), modified=MODIFIED)
    writer.add_stream(names[2], [ledger_csv(1000)], modified=MODIFIED, compress=True)

    # 46 fixed bytes + the UTF-8 name + 9 bytes of extended timestamp, whatever the content size
    assert writer.directory_bytes == sum(46 + len(name.encode()) + 9 for name in names)


class _DiscardingSink:
    def __init__(self) -> None:
        self.length = 0

    def write(self, data: bytes | memoryview, /) -> None:
        self.length += len(data)


def test_streaming_a_large_member_holds_only_about_one_chunk() -> None:
    chunk = ledger_csv(10_000)  # ~320 KiB, reused: the source allocates nothing per chunk
    chunk_count = 200  # ~60 MiB through the writer
    sink = _DiscardingSink()
    writer = ArchiveWriter(sink)

    tracemalloc.start()
    try:
        record = writer.add_stream(
            "big.csv", (chunk for _ in range(chunk_count)), modified=MODIFIED, compress=True
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert record.size == len(chunk) * chunk_count
    assert peak < 2 * len(chunk)


def test_keys_are_kept_verbatim_even_where_extraction_tools_would_rewrite_them() -> None:
    odd_keys = ["/leading/slash.txt", "../parent.txt", "back\\slash.txt", "marker/", "a//b"]
    members = [SampleMember(key, key.encode()) for key in odd_keys]

    archive, records = write_archive(members)

    assert [record.name for record in records] == odd_keys
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert [info.filename for info in opened.infolist()] == odd_keys
        assert [opened.read(info) for info in opened.infolist()] == [k.encode() for k in odd_keys]
