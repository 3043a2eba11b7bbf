"""The catalog a restore request is resolved through (decision 0013).

- A full key: the archive records and Parquet manifests (``manifest_catalog``: the records
  holding the key, two ranged GETs per candidate manifest). The per-file items answer only for
  archives with no record (not yet brought in by ``strongroom archive catalog-migrate``): one
  Query of the key's items, whose entries from recorded archives are left to the manifests.
- A bare name: the files the Parquet manifests name so (one query, ``manifest_names``), together
  with what the ``byFileName`` index holds for unmigrated archives; each file is then read by its
  full key as above, so a name resolves to 0 (404), 1 or several (409) files as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Final

from strongroom.deep_archive.adapters.catalog_store import by_key_then_age, newest
from strongroom.deep_archive.adapters.manifest_names import NamedFiles
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_lookup import CatalogLookup

if TYPE_CHECKING:  # it imports pyarrow, which only the functions that restore need loaded
    from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog

LOOKUP_WORKERS: Final = 8
"""Full keys looked up at once: each takes a few requests one after another (Queries, manifest
GETs); under botocore's 10 pooled connections per client."""


class RestoreCatalog:
    def __init__(self, manifests: ManifestCatalog, names: NamedFiles, items: CatalogLookup) -> None:
        self._manifests = manifests
        self._names = names
        self._items = items

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        recorded = self._manifests.versions(project, bucket, key)
        item = self._items.get_latest(project, bucket, key)
        # An item of a recorded archive is in its manifest too: if it is the newest version,
        # the manifest's entry is as new. Otherwise it is the newest of the unmigrated archives.
        unmigrated = (
            [item]
            if item is not None and (item.archive_bucket, item.archive_key) not in recorded.archives
            else []
        )
        return newest([*recorded.entries, *unmigrated])

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        addresses = set(self._names.addresses(project, file_name))
        addresses |= {
            (entry.source_bucket, entry.key)
            for entry in self._items.find_by_file_name(project, file_name)
        }
        found = (self.get_latest(project, bucket, key) for bucket, key in sorted(addresses))
        return by_key_then_age(entry for entry in found if entry is not None)


class PrefetchedLookups:
    """``catalog`` with the full keys a request names looked up beforehand, several at once, so
    a request naming hundreds of keys does not wait for each key's requests in turn."""

    def __init__(
        self,
        catalog: CatalogLookup,
        project: str,
        addresses: Iterable[tuple[str, str]],
        *,
        workers: int = LOOKUP_WORKERS,
    ) -> None:
        self._catalog = catalog
        self._project = project
        wanted = list(dict.fromkeys(addresses))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = pool.map(lambda address: catalog.get_latest(project, *address), wanted)
            self._found = dict(zip(wanted, found, strict=True))

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        if project == self._project and (bucket, key) in self._found:
            return self._found[(bucket, key)]
        return self._catalog.get_latest(project, bucket, key)

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        return self._catalog.find_by_file_name(project, file_name)
