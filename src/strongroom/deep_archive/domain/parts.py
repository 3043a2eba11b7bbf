"""How the packer splits an archive into multipart-upload parts.

Pure arithmetic shared by the upload (``adapters.multipart_sink``) and the cost model, so the
request count the estimate prices is the one the packer makes.
"""

from __future__ import annotations

from typing import Final

MIB: Final = 1024 * 1024
GIB: Final = 1024 * MIB
MIN_PART_SIZE: Final = 5 * MIB
"""S3's smallest part (all but the last)."""
MAX_PART_SIZE: Final = 5 * GIB
MAX_PARTS: Final = 10_000
DEFAULT_PART_SIZE: Final = 16 * MIB
PART_SIZE_HEADROOM: Final = 1.01
"""Room above the planned archive size: deflate may grow an incompressible streamed member by a
few bytes per 64 KiB block, and plans bound the zip structure, not the deflated data."""


def part_size_for(max_archive_bytes: int, *, preferred: int = DEFAULT_PART_SIZE) -> int:
    """The part size for an archive of up to ``max_archive_bytes``: ``preferred`` unless the
    archive would then need more than 10,000 parts, in which case the smallest whole number of
    MiB that fits it (with 1% headroom). Raises ValueError when even 5 GiB parts cannot."""
    if max_archive_bytes < 0:
        raise ValueError(f"max_archive_bytes must not be negative, got {max_archive_bytes}")
    if not MIN_PART_SIZE <= preferred <= MAX_PART_SIZE:
        raise ValueError(f"preferred part size must be 5 MiB..5 GiB, got {preferred}")
    budget = int(max_archive_bytes * PART_SIZE_HEADROOM) + 1
    needed = -(-budget // MAX_PARTS)
    needed_mib = -(-needed // MIB) * MIB
    size = max(preferred, needed_mib)
    if size > MAX_PART_SIZE:
        raise ValueError(
            f"an archive of {max_archive_bytes} bytes does not fit in {MAX_PARTS} parts of 5 GiB"
        )
    return size


def parts_for(archive_bytes: int) -> int:
    """Parts the packer uploads for an archive of ``archive_bytes`` (at least one)."""
    return max(1, -(-archive_bytes // part_size_for(archive_bytes)))
