"""Bare names resolved through the manifests' names (``RestoreCatalog``) together with the
per-file index, which still answers for archives not migrated: 0 files 404, 1 restored, several
409, each file counted once whichever of the two knows it."""

from __future__ import annotations

import builtins
from datetime import timedelta
from http import HTTPStatus

import pytest

from strongroom.deep_archive.adapters.in_memory_catalog import InMemoryCatalogStore
from strongroom.deep_archive.adapters.manifest_names import InMemoryNamedFiles
from strongroom.deep_archive.adapters.restore_catalog import RestoreCatalog
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_lookup import AmbiguousFiles, UnknownFiles
from strongroom.deep_archive.domain.restores import RestoreRequest

from .archives import ARCHIVED, PROJECT, TOPIC, csv_file, pack, project
from .test_restore_lookup import DEPLOYMENT, ListedEntries, resolve_restore


class ItemsWithoutNameIndex(InMemoryCatalogStore):
    """Entries readable by full key whose names only the manifests hold (no index items)."""

    def find_by_file_name(self, project: str, file_name: str) -> builtins.list[CatalogEntry]:
        return []


def _entries(archive: str, keys: list[str]) -> list[CatalogEntry]:
    return pack(archive, [csv_file(key) for key in keys])[1]


def _restore(catalog: RestoreCatalog, items: InMemoryCatalogStore, name: str) -> list[str]:
    request = RestoreRequest.model_validate(
        {
            "project_name": PROJECT,
            "filename": name,
            "retrieval_tier": "Standard",
            "sns_topic_arn": TOPIC,
        }
    )
    _, files = resolve_restore(request, project(), DEPLOYMENT, catalog, ListedEntries(items))
    return [file.entry.key for file in files]


def test_names_only_the_manifests_hold_resolve_to_their_newest_entry() -> None:
    items, names = ItemsWithoutNameIndex(), InMemoryNamedFiles()
    entries = _entries("archives/demo/job-1/part-000000.zip", ["2025/north/unique.csv"])
    newer = entries[0].model_copy(
        update={
            "etag": '"newer"',
            "last_modified": entries[0].last_modified + timedelta(days=1),
            "archive_key": "archives/demo/job-2/part-000000.zip",
            "archived_at": ARCHIVED + timedelta(days=30),
        }
    )
    items.put_entries([*entries, newer])
    names.add([*entries, newer])
    catalog = RestoreCatalog(items, names)

    assert _restore(catalog, items, "unique.csv") == ["2025/north/unique.csv"]
    assert [entry.etag for entry in catalog.find_by_file_name(PROJECT, "unique.csv")] == ['"newer"']


def test_a_name_in_a_migrated_and_an_unmigrated_archive_is_ambiguous_listing_both() -> None:
    items, names = InMemoryCatalogStore(), InMemoryNamedFiles()
    unmigrated = _entries("archives/demo/job-1/part-000000.zip", ["2024/report.csv"])
    migrated = _entries("archives/demo/job-2/part-000000.zip", ["2025/report.csv", "a.csv"])
    items.put_entries([*unmigrated, *migrated])
    names.add(migrated)  # only job-2's archive has a manifest under _catalog/

    with pytest.raises(AmbiguousFiles) as raised:
        _restore(RestoreCatalog(items, names), items, "report.csv")

    assert raised.value.status == HTTPStatus.CONFLICT
    assert raised.value.matches == {"report.csv": ["2024/report.csv", "2025/report.csv"]}


def test_a_file_both_know_is_one_file_and_an_unknown_name_is_404() -> None:
    items, names = InMemoryCatalogStore(), InMemoryNamedFiles()
    entries = _entries("archives/demo/job-1/part-000000.zip", ["2025/north/unique.csv"])
    items.put_entries(entries)
    names.add(entries)
    catalog = RestoreCatalog(items, names)

    assert _restore(catalog, items, "unique.csv") == ["2025/north/unique.csv"]
    with pytest.raises(UnknownFiles) as raised:
        _restore(catalog, items, "missing.csv")
    assert raised.value.status == HTTPStatus.NOT_FOUND
    assert raised.value.names == ["missing.csv"]
    assert names.addresses("another-project", "unique.csv") == []
