"""Reading one member from its byte range alone, as a restore does, and catching any damage."""

from __future__ import annotations

import hashlib
import tracemalloc
import zlib
from dataclasses import dataclass, replace

import pytest

from strongroom.deep_archive.domain.zip_reader import (
    MemberIntegrityError,
    inflate_member,
    member_range,
    read_member,
)
from strongroom.deep_archive.domain.zip_writer import MemberRecord
from tests.unit.deep_archive.zip_fakes import (
    SampleMember,
    chunked,
    ledger_csv,
    sample_members,
    write_archive,
)


@dataclass(frozen=True)
class CatalogEntry:
    """What a catalog row holds: any object with these attributes is accepted."""

    method: str
    size: int
    crc32: int
    sha256: str


def _expectation(data: bytes, method: str = "stored") -> CatalogEntry:
    return CatalogEntry(method, len(data), zlib.crc32(data), hashlib.sha256(data).hexdigest())


def _raw_deflate(data: bytes) -> bytes:
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    return deflater.compress(data) + deflater.flush()


@pytest.fixture(scope="module")
def sample() -> tuple[list[SampleMember], bytes, list[MemberRecord]]:
    members = sample_members()
    archive, records = write_archive(members)
    return members, archive, records


def _fetch(archive: bytes, record: MemberRecord) -> bytes:
    """What a ranged GET with ``member_range`` returns (nothing to fetch for an empty member)."""
    if record.compressed_size == 0:
        return b""
    first, last = member_range(record.data_offset, record.compressed_size)
    return archive[first : last + 1]


def test_each_member_s_byte_range_alone_gives_back_its_original_bytes(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    members, archive, records = sample

    for member, record in zip(members, records, strict=True):
        assert read_member(_fetch(archive, record), record) == member.data, member.name


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_one_damaged_byte_in_a_member_s_range_is_caught(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]], where: str
) -> None:
    _, archive, records = sample

    for record in (record for record in records if record.compressed_size):
        position = {"first": 0, "middle": record.compressed_size // 2}.get(
            where, record.compressed_size - 1
        )
        damaged = bytearray(_fetch(archive, record))
        damaged[position] ^= 0xFF

        with pytest.raises(MemberIntegrityError):
            read_member(damaged, record)


def test_a_range_one_byte_off_is_caught(
    sample: tuple[list[SampleMember], bytes, list[MemberRecord]],
) -> None:
    _, archive, records = sample

    for record in (record for record in records if record.compressed_size):
        shifted = archive[record.data_offset + 1 : record.data_offset + record.compressed_size + 1]
        with pytest.raises(MemberIntegrityError):
            read_member(shifted, record)


def test_member_range_is_inclusive_as_http_range_wants() -> None:
    assert member_range(66, 17_796) == (66, 17_861)
    assert member_range(0, 1) == (0, 0)
    assert member_range(5_000_000_000, 10) == (5_000_000_000, 5_000_000_009)


@pytest.mark.parametrize(
    ("data_offset", "compressed_size", "message"),
    [(10, 0, "no byte range"), (-1, 10, "negative"), (10, -5, "no byte range")],
)
def test_member_range_refuses_what_no_range_can_express(
    data_offset: int, compressed_size: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        member_range(data_offset, compressed_size)


def test_a_stored_member_of_the_wrong_length_fails_the_size_check() -> None:
    data = ledger_csv(10)

    with pytest.raises(MemberIntegrityError, match="size") as raised:
        read_member(data[:-1], _expectation(data))

    assert raised.value.check == "size"


def test_content_that_differs_fails_the_crc_check() -> None:
    data = ledger_csv(10)
    damaged = b"X" + data[1:]

    with pytest.raises(MemberIntegrityError) as raised:
        read_member(damaged, _expectation(data))

    assert raised.value.check == "crc32"


def test_content_with_the_right_crc_but_another_hash_fails_the_sha256_check() -> None:
    data = ledger_csv(10)
    wrong_hash = replace(_expectation(data), sha256=hashlib.sha256(b"other").hexdigest())

    with pytest.raises(MemberIntegrityError, match="sha256") as raised:
        read_member(data, wrong_hash)

    assert raised.value.check == "sha256"


def test_the_expected_hash_is_compared_regardless_of_case() -> None:
    data = ledger_csv(10)
    upper = replace(_expectation(data), sha256=hashlib.sha256(data).hexdigest().upper())

    assert read_member(data, upper) == data


def test_a_truncated_deflate_stream_fails_the_deflate_check() -> None:
    data = ledger_csv(500)
    deflated = _raw_deflate(data)

    with pytest.raises(MemberIntegrityError) as raised:
        read_member(deflated[: len(deflated) // 2], _expectation(data, "deflated"))

    assert raised.value.check == "deflate"


def test_bytes_after_the_deflate_stream_fail_the_deflate_check() -> None:
    data = ledger_csv(500)

    with pytest.raises(MemberIntegrityError, match="wrong range") as raised:
        read_member(_raw_deflate(data) + b"PK\x07\x08", _expectation(data, "deflated"))

    assert raised.value.check == "deflate"


def test_garbage_instead_of_deflate_data_fails_the_deflate_check() -> None:
    data = ledger_csv(10)

    with pytest.raises(MemberIntegrityError) as raised:
        read_member(b"\xff" * 64, _expectation(data, "deflated"))

    assert raised.value.check == "deflate"


def test_a_stream_inflating_beyond_the_expected_size_stops_early() -> None:
    bomb = _raw_deflate(bytes(50 * 1024 * 1024))  # 50 MiB of zeros in ~50 KiB
    claims_tiny = CatalogEntry("deflated", 10, 0, "0" * 64)
    yielded: list[bytes] = []

    tracemalloc.start()
    try:
        with pytest.raises(MemberIntegrityError, match="more than") as raised:
            yielded.extend(inflate_member(chunked(bomb, 4096), claims_tiny))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert raised.value.check == "size"
    assert yielded == []  # the first piece already overflows: nothing unverified leaves
    assert peak < 4 * 1024 * 1024  # one bounded piece inflated, not the 50 MiB


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="bzip2"):
        read_member(b"abc", CatalogEntry("bzip2", 3, zlib.crc32(b"abc"), "0" * 64))


@pytest.mark.parametrize("method", ["stored", "deflated"])
def test_inflating_from_many_small_chunks_equals_the_whole(method: str) -> None:
    data = ledger_csv(5000)
    raw = _raw_deflate(data) if method == "deflated" else data

    pieces = list(inflate_member(chunked(raw, 997), _expectation(data, method)))

    assert b"".join(pieces) == data
    assert max(len(piece) for piece in pieces) <= 1024 * 1024


def test_checks_complete_only_when_the_stream_is_exhausted() -> None:
    data = ledger_csv(5000)
    wrong_hash = replace(_expectation(data), sha256="0" * 64)
    pieces = inflate_member(chunked(data, 4096), wrong_hash)

    first = next(pieces)  # content flows before the end of the member is known

    assert first == data[:4096]
    with pytest.raises(MemberIntegrityError, match="sha256"):
        list(pieces)
