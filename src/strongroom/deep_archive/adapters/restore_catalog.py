"""The catalog a restore request is resolved through (decision 0013, as far as it has landed).

- A bare name: the files the Parquet manifests name so (one query, ``manifest_names``), together
  with what the per-file ``byFileName`` index holds, which answers for archives that
  ``strongroom archive catalog-migrate`` has not brought into ``_catalog/`` yet. Each file is
  counted once, so a name still resolves to 0 (404), 1 or several (409) files as before.
- A full key: the per-file items' newest entry (restores do not read the manifests yet).
"""

from __future__ import annotations

from strongroom.deep_archive.adapters.catalog_store import by_key_then_age
from strongroom.deep_archive.adapters.manifest_names import NamedFiles
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_lookup import CatalogLookup


class RestoreCatalog:
    def __init__(self, items: CatalogLookup, names: NamedFiles) -> None:
        self._items = items
        self._names = names

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        return self._items.get_latest(project, bucket, key)

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        found = self._items.find_by_file_name(project, file_name)
        indexed = {(entry.source_bucket, entry.key) for entry in found}
        for bucket, key in self._names.addresses(project, file_name):
            if (bucket, key) in indexed:
                continue
            entry = self._items.get_latest(project, bucket, key)
            if entry is not None:
                found.append(entry)
        return by_key_then_age(found)
