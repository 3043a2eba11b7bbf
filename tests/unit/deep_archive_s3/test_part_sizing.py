"""Part size choice under S3's limits, and the composite checksum arithmetic."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.deep_archive.adapters.multipart_sink import (
    composite_checksum,
    same_checksum,
)
from strongroom.deep_archive.domain.parts import (
    DEFAULT_PART_SIZE,
    MAX_PART_SIZE,
    MAX_PARTS,
    MIB,
    MIN_PART_SIZE,
    part_size_for,
)

GIB = 1024 * MIB


@pytest.mark.parametrize(
    ("archive_bytes", "expected"),
    [
        (0, DEFAULT_PART_SIZE),
        (500 * MIB, DEFAULT_PART_SIZE),
        (150 * GIB, DEFAULT_PART_SIZE),  # 9,600 parts of 16 MiB: still under 10,000
        (160 * GIB, 17 * MIB),  # 160 GiB * 1.01 / 10,000 = 16.5 MiB, rounded up to 17 MiB
        (1024 * GIB, 106 * MIB),  # 1 TiB * 1.01 / 10,000 = 105.9 MiB
    ],
)
def test_part_size_is_the_default_until_the_archive_needs_bigger_parts(
    archive_bytes: int, expected: int
) -> None:
    assert part_size_for(archive_bytes) == expected


@given(st.integers(min_value=0, max_value=MAX_PARTS * MAX_PART_SIZE // 2))
def test_any_fitting_archive_gets_a_legal_part_size_with_room_to_spare(archive_bytes: int) -> None:
    size = part_size_for(archive_bytes)
    assert MIN_PART_SIZE <= size <= MAX_PART_SIZE
    assert size % MIB == 0
    assert size * MAX_PARTS >= archive_bytes * 1.01


def test_a_preferred_size_is_kept_when_it_fits() -> None:
    assert part_size_for(100 * MIB, preferred=64 * MIB) == 64 * MIB


def test_an_archive_beyond_ten_thousand_5_gib_parts_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        part_size_for(MAX_PARTS * MAX_PART_SIZE)


@pytest.mark.parametrize("preferred", [MIN_PART_SIZE - 1, MAX_PART_SIZE + 1])
def test_a_preferred_size_outside_s3_limits_is_refused(preferred: int) -> None:
    with pytest.raises(ValueError, match=r"5 MiB\.\.5 GiB"):
        part_size_for(MIB, preferred=preferred)


def test_composite_checksum_matches_what_s3_computed_for_the_same_parts() -> None:
    # moto computed this for parts b"a" * 5 MiB and b"b" * 100 (reported without "-2")
    digests = [
        hashlib.sha256(b"a" * MIN_PART_SIZE).digest(),
        hashlib.sha256(b"b" * 100).digest(),
    ]
    assert composite_checksum(digests) == "7n1ZEEGpZyRgQtPvGMqYL80UbaFJA89T+2OobG6XQAs=-2"


def test_composite_checksum_of_one_part_hashes_that_part_digest_again() -> None:
    digest = hashlib.sha256(b"zip").digest()
    expected = base64.b64encode(hashlib.sha256(digest).digest()).decode()
    assert composite_checksum([digest]) == expected + "-1"


def test_composite_checksum_needs_a_part() -> None:
    with pytest.raises(ValueError, match="at least one part"):
        composite_checksum([])


@pytest.mark.parametrize(
    ("reported", "same"),
    [
        ("abc=-3", True),  # AWS form
        ("abc=", True),  # moto leaves out the part count
        ("abc=-2", False),  # same digest, different part count
        ("abd=-3", False),
        ("abd=", False),
    ],
)
def test_reported_checksums_compare_by_digest_and_part_count(reported: str, same: bool) -> None:
    assert same_checksum("abc=-3", reported) is same
