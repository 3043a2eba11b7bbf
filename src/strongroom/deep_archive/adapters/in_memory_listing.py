"""The prefix listing's twin: what ArchivedListing finds, over an in-memory catalog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from strongroom.deep_archive.adapters.archived_listing import (
    ENOUGH_FILES,
    listed_buckets,
    newest_of_first_files,
    selected,
)
from strongroom.deep_archive.adapters.in_memory_catalog import InMemoryCatalogStore
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.projects import Project

if TYPE_CHECKING:
    from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog


class InMemoryPrefixListing:
    """PrefixListing for unit tests, by ArchivedListing's rules: the archives with a record are
    read through ``recorded`` (records and Parquet manifests), the others through the per-file
    entries (what their JSON Lines manifests hold)."""

    def __init__(
        self,
        catalog: InMemoryCatalogStore,
        *,
        enough: int | None = ENOUGH_FILES,
        recorded: ManifestCatalog | None = None,
    ) -> None:
        self._catalog = catalog
        self._enough = enough
        self._recorded = recorded

    def under_prefix(
        self, project: Project, bucket: str | None, prefix: str
    ) -> Iterator[CatalogEntry]:
        buckets = listed_buckets(project, bucket)
        found: list[CatalogEntry] = []
        archives: set[str] = set()
        if self._recorded is not None:
            for source in sorted(buckets):
                for job_id in self._recorded.recorded_jobs(project.name, source):
                    keys, entries = self._recorded.job_under_prefix(
                        project.name, source, job_id, prefix
                    )
                    archives |= keys
                    found += entries
        found += (entry for entry in self._catalog.entries() if entry.archive_key not in archives)
        matching = (entry for entry in found if selected(entry, project.name, buckets, prefix))
        yield from newest_of_first_files(matching, self._enough)
