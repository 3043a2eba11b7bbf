"""Reading one member back from its compressed bytes alone, and proving they are intact.

A restore does not open the archive: it fetches the member's compressed bytes with one ranged
GET at the catalog's offset (:func:`member_range`), then inflates and verifies them here against
the catalog's size, CRC-32 and SHA-256. CRC-32 catches a wrong range or a damaged byte; SHA-256
is the end-to-end proof that the restored file is the one archived.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
from typing import Final, Literal, Protocol

IntegrityCheck = Literal["deflate", "size", "crc32", "sha256"]

_PIECE_SIZE: Final = 1024 * 1024


class MemberExpectation(Protocol):
    """What the catalog recorded about a member (a ``MemberRecord`` is one)."""

    @property
    def method(self) -> str:
        """``"stored"`` or ``"deflated"``."""
        ...

    @property
    def size(self) -> int:
        """Length of the original bytes."""
        ...

    @property
    def crc32(self) -> int: ...

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the original bytes."""
        ...


class MemberIntegrityError(Exception):
    """The fetched bytes are not the archived member; ``check`` names the test that failed."""

    def __init__(self, check: IntegrityCheck, detail: str) -> None:
        super().__init__(f"member failed the {check} check: {detail}")
        self.check: IntegrityCheck = check
        self.detail = detail


def member_range(data_offset: int, compressed_size: int) -> tuple[int, int]:
    """First and last byte (inclusive, as in ``Range: bytes=first-last``) of a member's data.

    An empty member has nothing to fetch and no valid range: its content is ``b""`` without a GET.
    """
    if data_offset < 0:
        raise ValueError(f"data_offset cannot be negative, got {data_offset}")
    if compressed_size <= 0:
        raise ValueError(
            f"a member of compressed size {compressed_size} has no byte range to fetch"
        )
    return data_offset, data_offset + compressed_size - 1


def read_member(raw: bytes | bytearray | memoryview, expected: MemberExpectation) -> bytes:
    """The original bytes of a member from its compressed bytes, verified against ``expected``.

    Raises :class:`MemberIntegrityError` naming the failed check, and ``ValueError`` for a
    compression method this archive format never writes.
    """
    return b"".join(inflate_member([raw], expected))


def inflate_member(
    compressed_chunks: Iterable[bytes | bytearray | memoryview], expected: MemberExpectation
) -> Iterator[bytes]:
    """The original bytes of a member, piece by piece, for members too large to hold in memory.

    The checks complete only when the iterator is exhausted: consume it fully before treating
    what it yielded as good (e.g. complete a multipart upload only after the last piece).
    Inflated output is bounded by ``expected.size``, so a corrupt or hostile stream cannot
    expand without limit.
    """
    expand = _expander(expected.method)
    produced, crc32 = 0, 0
    digest = hashlib.sha256()
    for chunk in compressed_chunks:
        for piece in expand.feed(chunk):
            produced += len(piece)
            if produced > expected.size:
                raise MemberIntegrityError(
                    "size", f"more than the expected {expected.size} bytes of content"
                )
            crc32 = zlib.crc32(piece, crc32)
            digest.update(piece)
            yield piece
    expand.finish()
    if produced != expected.size:
        raise MemberIntegrityError("size", f"{produced} bytes, expected {expected.size}")
    if crc32 != expected.crc32:
        raise MemberIntegrityError("crc32", f"{crc32:08x}, expected {expected.crc32:08x}")
    if digest.hexdigest() != expected.sha256.lower():
        raise MemberIntegrityError(
            "sha256", f"{digest.hexdigest()}, expected {expected.sha256.lower()}"
        )


class _Expander(Protocol):
    def feed(self, chunk: bytes | bytearray | memoryview) -> Iterator[bytes]: ...

    def finish(self) -> None: ...


def _expander(method: str) -> _Expander:
    if method == "stored":
        return _Stored()
    if method == "deflated":
        return _Inflater()
    raise ValueError(f"unsupported compression method {method!r}: expected stored or deflated")


class _Stored:
    def feed(self, chunk: bytes | bytearray | memoryview) -> Iterator[bytes]:
        if chunk:
            yield bytes(chunk)

    def finish(self) -> None:
        return None


class _Inflater:
    def __init__(self) -> None:
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)

    def feed(self, chunk: bytes | bytearray | memoryview) -> Iterator[bytes]:
        pending: bytes | bytearray | memoryview = chunk
        while pending:
            if self._inflater.eof:
                raise MemberIntegrityError(
                    "deflate", "bytes follow the end of the deflate stream (wrong range?)"
                )
            try:
                piece = self._inflater.decompress(pending, _PIECE_SIZE)
            except zlib.error as error:
                raise MemberIntegrityError("deflate", f"corrupt deflate stream ({error})") from None
            if self._inflater.unused_data:
                raise MemberIntegrityError(
                    "deflate", "bytes follow the end of the deflate stream (wrong range?)"
                )
            pending = self._inflater.unconsumed_tail
            if piece:
                yield piece

    def finish(self) -> None:
        if not self._inflater.eof:
            raise MemberIntegrityError("deflate", "the deflate stream is truncated")
