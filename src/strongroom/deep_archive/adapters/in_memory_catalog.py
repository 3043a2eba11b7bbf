"""In-memory twin of the Catalog table (``catalog_store``), stored as its items are."""

from __future__ import annotations

import builtins
import threading
from collections.abc import Iterable, Mapping

from strongroom.deep_archive.adapters.catalog_store import (
    by_key_then_age,
    catalog_item,
    entry_from_item,
    newest,
    object_pk,
)
from strongroom.deep_archive.adapters.item_codec import Item
from strongroom.deep_archive.domain.catalog import CatalogEntry


class InMemoryCatalogStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], Item] = {}

    def put_entries(self, entries: Iterable[CatalogEntry]) -> int:
        items = {
            (object_pk(entry.project, entry.source_bucket, entry.key), entry.etag): catalog_item(
                entry
            )
            for entry in entries
        }
        with self._lock:
            self._items.update(items)
        return len(items)

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        pk = object_pk(project, bucket, key)
        return newest(entry for (owner, _), entry in self._entries() if owner == pk)

    def find_by_file_name(self, project: str, file_name: str) -> builtins.list[CatalogEntry]:
        return by_key_then_age(
            entry
            for _, entry in self._entries()
            if entry.project == project and entry.file_name == file_name
        )

    def archived_etags(
        self, project: str, bucket: str, objects: Mapping[str, str]
    ) -> dict[str, str]:
        with self._lock:
            stored = set(self._items)
        return {
            key: etag
            for key, etag in objects.items()
            if (object_pk(project, bucket, key), etag) in stored
        }

    def entries(self) -> builtins.list[CatalogEntry]:
        return by_key_then_age(entry for _, entry in self._entries())

    def _entries(self) -> builtins.list[tuple[tuple[str, str], CatalogEntry]]:
        with self._lock:
            items = list(self._items.items())
        return [(key, entry_from_item(item)) for key, item in items]
