"""Byte layouts of the ZIP records the archive writer emits (PKWARE APPNOTE 6.3.x).

Only what a write-once, single-disk, unencrypted archive needs. All integers are little-endian.
A 32-bit field holding 0xFFFFFFFF (0xFFFF for counts) means "the real value is in the ZIP64
record"; section numbers below refer to the APPNOTE.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

CompressionMethod = Literal["stored", "deflated"]
"""How a member's bytes are held: as they are, or raw deflate (RFC 1951)."""

METHOD_IDS: Final[dict[CompressionMethod, int]] = {"stored": 0, "deflated": 8}

ZIP64_LIMIT: Final = 0xFFFF_FFFF
"""Sizes and offsets at or above this do not fit a 32-bit field (the value itself is the marker)."""

ZIP64_COUNT_LIMIT: Final = 0xFFFF
"""Member counts at or above this do not fit the 16-bit end-of-central-directory fields."""

VERSION_DEFAULT: Final = 20  # 2.0: deflate
VERSION_ZIP64: Final = 45  # 4.5: ZIP64 extensions
# Upper byte 3 = UNIX, so readers take the permission bits from the external attributes; the
# lower byte is the highest spec version this writer produces (4.4.2).
VERSION_MADE_BY: Final = (3 << 8) | VERSION_ZIP64

FLAG_DATA_DESCRIPTOR: Final = 1 << 3  # sizes and CRC follow the data (4.4.4)
FLAG_UTF8: Final = 1 << 11  # name is UTF-8 (4.4.4, appendix D)

REGULAR_FILE_ATTRIBUTES: Final = 0o100644 << 16  # st_mode of a plain rw-r--r-- file, high word

_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")
_DATA_DESCRIPTOR_64 = struct.Struct("<IIQQ")
_ZIP64_END = struct.Struct("<IQHHIIQQQQ")
_ZIP64_LOCATOR = struct.Struct("<IIQI")
_END = struct.Struct("<IHHHHIIH")
_EXTRA_HEADER = struct.Struct("<HH")
_TIMESTAMP_EXTRA = struct.Struct("<HHBI")

_LOCAL_SIGNATURE: Final = 0x04034B50
_CENTRAL_SIGNATURE: Final = 0x02014B50
_DESCRIPTOR_SIGNATURE: Final = 0x08074B50
_ZIP64_END_SIGNATURE: Final = 0x06064B50
_ZIP64_LOCATOR_SIGNATURE: Final = 0x07064B50
_END_SIGNATURE: Final = 0x06054B50
_ZIP64_EXTRA_ID: Final = 0x0001
_TIMESTAMP_EXTRA_ID: Final = 0x5455

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_SIGNED_32: Final = 0x7FFF_FFFF
_DOS_EARLIEST: Final = (33, 0)  # 1980-01-01 00:00:00
_DOS_LATEST: Final = ((127 << 9) | (12 << 5) | 31, (23 << 11) | (59 << 5) | 29)  # 2107-12-31

END_RECORD_SIZE: Final = _END.size


@dataclass(frozen=True, slots=True)
class MemberHeader:
    """Everything both headers of one member say about it.

    For a streamed member (``streamed=True``) the local header is written before ``crc32`` and
    the sizes are known; they are then only used for the central directory.
    """

    name: bytes
    method: CompressionMethod
    dos_date: int
    dos_time: int
    unix_mtime: int | None
    header_offset: int
    streamed: bool
    crc32: int = 0
    compressed_size: int = 0
    size: int = 0

    @property
    def flags(self) -> int:
        return FLAG_UTF8 | (FLAG_DATA_DESCRIPTOR if self.streamed else 0)

    @property
    def local_uses_zip64(self) -> bool:
        """Streamed members always carry ZIP64 sizes: their size is unknown up front (4.3.9.2)."""
        return self.streamed or self.size >= ZIP64_LIMIT or self.compressed_size >= ZIP64_LIMIT

    @property
    def version_needed(self) -> int:
        # Decided from what the local header knows, so both headers always agree.
        if self.local_uses_zip64 or self.header_offset >= ZIP64_LIMIT:
            return VERSION_ZIP64
        return VERSION_DEFAULT

    def local_header(self) -> bytes:
        """Local file header (4.3.7) with its extra fields."""
        if self.local_uses_zip64:
            # 4.5.3: the local ZIP64 field holds both sizes, and both 32-bit fields point at it.
            # A streamed member does not know them yet: zero, as bit 3 asks (4.4.4).
            known = not self.streamed
            zip64 = _zip64_extra(self.size if known else 0, self.compressed_size if known else 0)
            size32 = compressed32 = ZIP64_LIMIT
        else:
            zip64, size32, compressed32 = b"", self.size, self.compressed_size
        extra = zip64 + self._timestamp_extra()
        header = _LOCAL_HEADER.pack(
            _LOCAL_SIGNATURE,
            self.version_needed,
            self.flags,
            METHOD_IDS[self.method],
            self.dos_time,
            self.dos_date,
            0 if self.streamed else self.crc32,
            compressed32,
            size32,
            len(self.name),
            len(extra),
        )
        return header + self.name + extra

    def central_header(self) -> bytes:
        """Central directory file header (4.3.12); ZIP64 fields only for values that overflow."""
        size32, compressed32, offset32 = (
            min(value, ZIP64_LIMIT)
            for value in (self.size, self.compressed_size, self.header_offset)
        )
        overflowing = [
            value
            for value in (self.size, self.compressed_size, self.header_offset)
            if value >= ZIP64_LIMIT
        ]
        extra = (_zip64_extra(*overflowing) if overflowing else b"") + self._timestamp_extra()
        header = _CENTRAL_HEADER.pack(
            _CENTRAL_SIGNATURE,
            VERSION_MADE_BY,
            self.version_needed,
            self.flags,
            METHOD_IDS[self.method],
            self.dos_time,
            self.dos_date,
            self.crc32,
            compressed32,
            size32,
            len(self.name),
            len(extra),
            0,  # comment length
            0,  # disk number start
            0,  # internal attributes
            REGULAR_FILE_ATTRIBUTES,
            offset32,
        )
        return header + self.name + extra

    def data_descriptor(self) -> bytes:
        """ZIP64 data descriptor (4.3.9): signature, CRC-32 and two 8-byte sizes."""
        return _DATA_DESCRIPTOR_64.pack(
            _DESCRIPTOR_SIGNATURE, self.crc32, self.compressed_size, self.size
        )

    def _timestamp_extra(self) -> bytes:
        if self.unix_mtime is None:
            return b""
        # Extended timestamp (Info-ZIP 0x5455), modification time only: same bytes in both headers.
        return _TIMESTAMP_EXTRA.pack(_TIMESTAMP_EXTRA_ID, 5, 1, self.unix_mtime)


def _zip64_extra(*values: int) -> bytes:
    return _EXTRA_HEADER.pack(_ZIP64_EXTRA_ID, 8 * len(values)) + struct.pack(
        f"<{len(values)}Q", *values
    )


def end_records(member_count: int, directory_offset: int, directory_size: int) -> bytes:
    """What follows the central directory: ZIP64 end record + locator when needed, then EOCD."""
    needs_zip64 = (
        member_count >= ZIP64_COUNT_LIMIT
        or directory_offset >= ZIP64_LIMIT
        or directory_size >= ZIP64_LIMIT
    )
    records = b""
    if needs_zip64:
        zip64_end_offset = directory_offset + directory_size
        records = _ZIP64_END.pack(
            _ZIP64_END_SIGNATURE,
            _ZIP64_END.size - 12,  # size of the record after this field (4.3.14.1)
            VERSION_MADE_BY,
            VERSION_ZIP64,
            0,  # this disk
            0,  # disk holding the central directory
            member_count,
            member_count,
            directory_size,
            directory_offset,
        ) + _ZIP64_LOCATOR.pack(_ZIP64_LOCATOR_SIGNATURE, 0, zip64_end_offset, 1)
    count16 = min(member_count, ZIP64_COUNT_LIMIT)
    return records + _END.pack(
        _END_SIGNATURE,
        0,
        0,
        count16,
        count16,
        min(directory_size, ZIP64_LIMIT),
        min(directory_offset, ZIP64_LIMIT),
        0,  # comment length
    )


def dos_date_time(moment: datetime) -> tuple[int, int]:
    """MS-DOS (date, time) of ``moment`` in UTC, clamped to the 1980-2107 range DOS can hold.

    DOS time has no zone; UTC is the only choice that means the same wherever the archive is read.
    Seconds are rounded down to even, as the format stores them in 2-second steps.
    """
    utc = moment.astimezone(UTC)
    if utc.year < 1980:
        return _DOS_EARLIEST
    if utc.year > 2107:
        return _DOS_LATEST
    date = ((utc.year - 1980) << 9) | (utc.month << 5) | utc.day
    time = (utc.hour << 11) | (utc.minute << 5) | (utc.second // 2)
    return date, time


def unix_mtime(moment: datetime) -> int | None:
    """Whole seconds since the epoch, or None outside 1970-2038.

    The extended timestamp is a 32-bit field that readers disagree on (signed or unsigned), so it
    is only written when both readings agree; the DOS time still carries the date otherwise.
    """
    seconds = (moment - _EPOCH) // timedelta(seconds=1)
    return seconds if 0 <= seconds <= _MAX_SIGNED_32 else None
