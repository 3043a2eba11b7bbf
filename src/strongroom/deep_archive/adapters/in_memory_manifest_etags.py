"""In-memory twin of ``manifest_etags``: manifests held as Parquet bytes, read the same way."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator

from strongroom.deep_archive.adapters.manifest_etags import iter_keys_and_etags
from strongroom.deep_archive.domain.archive_records import ArchiveRecord


class InMemoryManifestEtags:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._manifests: dict[tuple[str, str], bytes] = {}
        self.opened: list[str] = []
        """Manifest keys in the order they were read: which archives planning had to open."""

    def put(self, bucket: str, key: str, manifest: bytes) -> None:
        with self._lock:
            self._manifests[(bucket, key)] = manifest

    def rows(self, record: ArchiveRecord) -> Iterator[tuple[str, str]]:
        with self._lock:
            manifest = self._manifests[(record.archive_bucket, record.manifest_key)]
            self.opened.append(record.manifest_key)
        yield from iter_keys_and_etags(io.BytesIO(manifest))
