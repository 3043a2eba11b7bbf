"""Streaming ZIP64 writer: members go straight to a sink, nothing is seeked, staged or read back.

The packer feeds S3 objects in and the sink (a multipart upload) takes the bytes out, so memory
stays bounded whatever the archive size. What is retained per member is only its central
directory entry, packed in one ``bytearray``:

    46 + len(name as UTF-8) + 9 (extended timestamp, 1970-2038 mtimes)
       + 4 + 8 per size/offset >= 4 GiB (ZIP64 extra, usually none)

e.g. 135 bytes for an 80-byte key; :attr:`ArchiveWriter.directory_bytes` gives the running total.

Each member's :class:`MemberRecord` says where its compressed bytes lie, so a restore can fetch
exactly those with one ranged GET and check them (see ``zip_reader``).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, Literal, Protocol

from strongroom.deep_archive.domain.zip_records import (
    END_RECORD_SIZE,
    CompressionMethod,
    MemberHeader,
    dos_date_time,
    end_records,
    unix_mtime,
)

Buffer = bytes | bytearray | memoryview

INCOMPRESSIBLE_SUFFIXES: Final = frozenset(
    {
        # archives and compressed streams
        "zip", "gz", "tgz", "bz2", "tbz2", "xz", "txz", "zst", "zstd", "lz4", "lzma", "lz",
        "7z", "rar", "br", "sz", "snappy", "cab", "jar", "war", "apk", "whl", "egg", "nupkg",
        # office and e-book formats that are zip containers
        "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub",
        # images
        "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "jxl", "jp2",
        # audio and video
        "mp3", "mp4", "m4a", "m4v", "aac", "ogg", "oga", "opus", "flac", "mov", "mkv", "webm",
        "avi", "wmv", "wma",
        # columnar and row data formats that compress internally
        "parquet", "avro", "orc",
        # fonts and packages
        "woff", "woff2", "dmg", "deb", "rpm",
    }
)  # fmt: skip
"""Name suffixes (lower case, after the last dot) whose content is left stored when the writer
decides: deflating them costs CPU and saves next to nothing."""

_DIRECTORY_WRITE_SIZE: Final = 8 * 1024 * 1024
_RAW_DEFLATE: Final = -zlib.MAX_WBITS  # negative wbits: no zlib header or trailer, as ZIP wants
_MAX_NAME_BYTES: Final = 0xFFFF


class ZipSink(Protocol):
    """Where the archive bytes go, in order (the multipart uploader implements it).

    The buffer passed to ``write`` may be reused or released once the call returns: a sink that
    keeps bytes must copy them.
    """

    def write(self, data: bytes | memoryview, /) -> None: ...


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """Where one member lies in its archive and what its bytes must hash to.

    ``data_offset`` is the first byte of the member's compressed data; the ``compressed_size``
    bytes from there are all a restore needs to fetch.
    """

    name: str
    header_offset: int
    data_offset: int
    compressed_size: int
    size: int
    method: CompressionMethod
    crc32: int
    sha256: str


@dataclass(frozen=True, slots=True)
class ArchiveSummary:
    """What :meth:`ArchiveWriter.close` wrote: ``bytes_written`` is the archive's full length."""

    member_count: int
    bytes_written: int
    central_directory_offset: int
    central_directory_size: int
    zip64: bool


class ArchiveWriterClosed(Exception):
    """The writer was closed, or an earlier write failed half-way and left the archive unusable."""


class ArchiveWriter:
    """Writes one ZIP archive to ``sink``, member by member, then the central directory.

    Not thread-safe: one writer per archive, fed from one thread. If a write fails part-way
    (the sink or the chunk iterator raised), bytes of a half member have already left, so the
    writer refuses any further call and the upload must be aborted.
    """

    def __init__(self, sink: ZipSink, *, compression_level: int = 6) -> None:
        if not 0 <= compression_level <= 9:
            raise ValueError(f"compression_level must be 0..9, got {compression_level}")
        self._sink = sink
        self._level = compression_level
        self._position = 0
        self._directory = bytearray()
        self._member_count = 0
        self._state: Literal["open", "closed", "failed"] = "open"

    @property
    def bytes_written(self) -> int:
        """Bytes handed to the sink so far: the offset the next member will start at."""
        return self._position

    @property
    def member_count(self) -> int:
        return self._member_count

    @property
    def directory_bytes(self) -> int:
        """Memory held for the central directory (what :meth:`close` still has to write)."""
        return len(self._directory)

    def add(
        self,
        name: str,
        data: Buffer,
        *,
        modified: datetime,
        compress: bool | None = None,
    ) -> MemberRecord:
        """Add a member whose bytes are all in memory (the common, small-object case).

        ``compress=None`` deflates unless the name says the content is already compressed (see
        :data:`INCOMPRESSIBLE_SUFFIXES`) or deflating does not make it smaller; ``True`` or
        ``False`` force deflate or store. ``name`` is kept verbatim (the full S3 key).
        """
        self._ensure_open()
        _encode_name(name)
        encoded = encode_member(name, data, level=self._level, compress=compress)
        return self.add_encoded(name, encoded, modified=modified)

    def add_encoded(self, name: str, encoded: EncodedMember, *, modified: datetime) -> MemberRecord:
        """Add a member already encoded by :func:`encode_member` (perhaps on another thread:
        deflate and the hashes release the GIL, so a packer can encode ahead in parallel)."""
        self._ensure_open()
        header = replace(
            self._header(name, modified, encoded.method, streamed=False),
            crc32=encoded.crc32,
            compressed_size=len(encoded.payload),
            size=encoded.size,
        )
        local_header = header.local_header()
        with self._failing_on_error():
            self._emit(local_header)
            self._emit(encoded.payload)
        return self._finish_member(name, header, len(local_header), encoded.sha256)

    def add_stream(
        self,
        name: str,
        chunks: Iterable[Buffer],
        *,
        modified: datetime,
        compress: bool,
    ) -> MemberRecord:
        """Add a member whose bytes arrive in chunks (large objects), holding one chunk at a time.

        CRC-32, sizes and SHA-256 are computed on the way and written after the data in a ZIP64
        data descriptor (general purpose bit 3), since the local header has gone out before them.
        """
        self._ensure_open()
        header = self._header(name, modified, "deflated" if compress else "stored", streamed=True)
        local_header = header.local_header()
        crc32, size, compressed_size = 0, 0, 0
        digest = hashlib.sha256()
        deflater = zlib.compressobj(self._level, zlib.DEFLATED, _RAW_DEFLATE) if compress else None
        with self._failing_on_error():
            self._emit(local_header)
            for chunk in chunks:
                view = _bytes_view(chunk)
                crc32 = zlib.crc32(view, crc32)
                digest.update(view)
                size += len(view)
                output = deflater.compress(view) if deflater else view
                compressed_size += len(output)
                self._emit(output)
            if deflater:
                tail = deflater.flush()
                compressed_size += len(tail)
                self._emit(tail)
            header = replace(
                header,
                crc32=crc32,
                compressed_size=compressed_size,
                size=size,
            )
            self._emit(header.data_descriptor())
        return self._finish_member(name, header, len(local_header), digest.hexdigest())

    def close(self) -> ArchiveSummary:
        """Write the central directory and end records; the archive is complete after this."""
        self._ensure_open()
        directory_offset, directory_size = self._position, len(self._directory)
        trailer = end_records(self._member_count, directory_offset, directory_size)
        with self._failing_on_error(), memoryview(self._directory) as directory:
            for start in range(0, directory_size, _DIRECTORY_WRITE_SIZE):
                self._emit(directory[start : start + _DIRECTORY_WRITE_SIZE])
            self._emit(trailer)
        self._directory = bytearray()
        self._state = "closed"
        return ArchiveSummary(
            member_count=self._member_count,
            bytes_written=self._position,
            central_directory_offset=directory_offset,
            central_directory_size=directory_size,
            zip64=len(trailer) > END_RECORD_SIZE,
        )

    def _ensure_open(self) -> None:
        if self._state == "closed":
            raise ArchiveWriterClosed("the archive is already closed")
        if self._state == "failed":
            raise ArchiveWriterClosed(
                "an earlier write failed part-way: the archive is unusable, abort its upload"
            )

    @contextmanager
    def _failing_on_error(self) -> Iterator[None]:
        # Bytes of a half member may already be in the sink: nothing written after them is valid.
        try:
            yield
        except BaseException:
            self._state = "failed"
            raise

    def _header(
        self, name: str, modified: datetime, method: CompressionMethod, *, streamed: bool
    ) -> MemberHeader:
        if modified.tzinfo is None or modified.utcoffset() is None:
            raise ValueError(f"modified must be timezone-aware, got {modified!r}")
        dos_date, dos_time = dos_date_time(modified)
        return MemberHeader(
            name=_encode_name(name),
            method=method,
            dos_date=dos_date,
            dos_time=dos_time,
            unix_mtime=unix_mtime(modified),
            header_offset=self._position,
            streamed=streamed,
        )

    def _emit(self, data: bytes | memoryview) -> None:
        if data:
            self._sink.write(data)
            self._position += len(data)

    def _finish_member(
        self, name: str, header: MemberHeader, local_header_size: int, sha256: str
    ) -> MemberRecord:
        self._directory += header.central_header()
        self._member_count += 1
        return MemberRecord(
            name=name,
            header_offset=header.header_offset,
            data_offset=header.header_offset + local_header_size,
            compressed_size=header.compressed_size,
            size=header.size,
            method=header.method,
            crc32=header.crc32,
            sha256=sha256,
        )


@dataclass(frozen=True, slots=True)
class EncodedMember:
    """A member's bytes as they go into the archive, with what its headers and catalog need."""

    method: CompressionMethod
    payload: bytes | memoryview
    crc32: int
    size: int
    sha256: str


def encode_member(
    name: str, data: Buffer, *, level: int = 6, compress: bool | None = None
) -> EncodedMember:
    """Deflate (or not, as ``ArchiveWriter.add`` decides) and checksum one in-memory member."""
    original = _bytes_view(data)
    method: CompressionMethod = "stored"
    payload: bytes | memoryview = original
    # Left stored by default: empty data, or a file whose name says it is compressed already.
    if compress is True or (compress is None and original and not already_compressed(name)):
        deflated = zlib.compress(original, level, wbits=_RAW_DEFLATE)
        if compress is True or len(deflated) < len(original):
            method, payload = "deflated", deflated
    return EncodedMember(
        method=method,
        payload=payload,
        crc32=zlib.crc32(original),
        size=len(original),
        sha256=hashlib.sha256(original).hexdigest(),
    )


def _encode_name(name: str) -> bytes:
    if not name:
        raise ValueError("a member name cannot be empty")
    if "\x00" in name:
        raise ValueError(f"a member name cannot contain NUL: {name!r}")
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"a member name must be valid Unicode text: {name!r}") from None
    if len(encoded) > _MAX_NAME_BYTES:
        raise ValueError(f"a member name is at most {_MAX_NAME_BYTES} UTF-8 bytes")
    return encoded


def already_compressed(name: str) -> bool:
    """The file name's extension says its content is compressed already (deflate gains nothing)."""
    base = name.rpartition("/")[2]
    stem, dot, suffix = base.rpartition(".")
    return bool(dot and stem) and suffix.lower() in INCOMPRESSIBLE_SUFFIXES


def _bytes_view(data: Buffer) -> memoryview:
    view = memoryview(data)
    return view if view.format == "B" and view.ndim == 1 else view.cast("B")
