"""The prefix listing's twin: what ArchivedListing finds when every archived file is catalogued."""

from __future__ import annotations

from collections.abc import Iterator

from strongroom.deep_archive.adapters.archived_listing import (
    ENOUGH_FILES,
    listed_buckets,
    newest_of_first_files,
    selected,
)
from strongroom.deep_archive.adapters.in_memory_catalog import InMemoryCatalogStore
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.projects import Project


class InMemoryPrefixListing:
    """PrefixListing over an in-memory catalog, for unit tests: what ArchivedListing finds
    when every archived file is catalogued."""

    def __init__(self, catalog: InMemoryCatalogStore, *, enough: int | None = ENOUGH_FILES) -> None:
        self._catalog = catalog
        self._enough = enough

    def under_prefix(
        self, project: Project, bucket: str | None, prefix: str
    ) -> Iterator[CatalogEntry]:
        buckets = listed_buckets(project, bucket)
        entries = (
            entry
            for entry in self._catalog.entries()
            if selected(entry, project.name, buckets, prefix)
        )
        yield from newest_of_first_files(entries, self._enough)
