"""Resolving a restore request against the catalog, and every refusal a caller can act on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from strongroom.deep_archive.adapters.in_memory_catalog import InMemoryCatalogStore
from strongroom.deep_archive.domain.archive_records import range_overlaps_prefix
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.intake import (
    Deployment,
    DeploymentMismatch,
    ProjectNotRegistered,
)
from strongroom.deep_archive.domain.projects import Project
from strongroom.deep_archive.domain.restore_lookup import (
    AmbiguousFiles,
    TierNotOffered,
    TooManyFiles,
    TopicNotRegistered,
    UnknownFiles,
    resolve_restore,
)
from strongroom.deep_archive.domain.restores import MAX_FILES_PER_REQUEST, RestoreRequest

from .archives import ARCHIVED, PROJECT, SOURCE_BUCKET, TOPIC, csv_file, pack, project

DEPLOYMENT = Deployment(region="eu-west-1", account_id="123456789012")


class ListedEntries:
    """A prefix listing over a catalog's entries (what the jobs' manifests would give)."""

    def __init__(self, catalog: InMemoryCatalogStore) -> None:
        self.catalog = catalog

    def under_prefix(
        self, owner: Project, bucket: str | None, prefix: str
    ) -> Iterator[CatalogEntry]:
        for entry in self.catalog.entries():
            in_bucket = bucket is None or entry.source_bucket == bucket
            if entry.project == owner.name and entry.key.startswith(prefix) and in_bucket:
                yield entry


@pytest.fixture
def catalog() -> InMemoryCatalogStore:
    store = InMemoryCatalogStore()
    _, entries = pack(
        "archives/demo/job-1/part-000000.zip",
        [
            csv_file("2025/north/report.csv"),
            csv_file("2025/south/report.csv"),
            csv_file("2025/north/unique.csv"),
            csv_file("root.csv"),
        ],
    )
    store.put_entries(entries)
    return store


def _resolve(
    catalog: InMemoryCatalogStore, owner: Project | None = None, **fields: Any
) -> tuple[str, list[str]]:
    body = {
        "project_name": PROJECT,
        "retrieval_tier": "Standard",
        "sns_topic_arn": TOPIC,
        **fields,
    }
    if not {"filename", "files", "prefix"} & fields.keys():
        body["filename"] = "unique.csv"
    tier, files = resolve_restore(
        RestoreRequest.model_validate(body),
        owner or project(),
        DEPLOYMENT,
        catalog,
        ListedEntries(catalog),
    )
    return tier, [file.entry.key for file in files]


def test_a_bare_file_name_finds_its_one_file(catalog: InMemoryCatalogStore) -> None:
    assert _resolve(catalog, filename="unique.csv") == ("Standard", ["2025/north/unique.csv"])


def test_a_file_at_the_bucket_root_is_found_by_name(catalog: InMemoryCatalogStore) -> None:
    assert _resolve(catalog, filename="root.csv")[1] == ["root.csv"]


def test_a_full_key_finds_its_file(catalog: InMemoryCatalogStore) -> None:
    assert _resolve(catalog, filename="2025/south/report.csv")[1] == ["2025/south/report.csv"]


def test_an_s3_uri_names_bucket_and_key(catalog: InMemoryCatalogStore) -> None:
    uri = f"s3://{SOURCE_BUCKET}/2025/north/report.csv"
    assert _resolve(catalog, filename=uri)[1] == ["2025/north/report.csv"]


def test_a_name_matching_several_files_is_ambiguous_and_lists_them(
    catalog: InMemoryCatalogStore,
) -> None:
    with pytest.raises(AmbiguousFiles) as raised:
        _resolve(catalog, filename="report.csv")
    assert raised.value.matches == {
        "report.csv": ["2025/north/report.csv", "2025/south/report.csv"]
    }


def test_every_unknown_name_is_listed(catalog: InMemoryCatalogStore) -> None:
    with pytest.raises(UnknownFiles) as raised:
        _resolve(catalog, files=["unique.csv", "missing.csv", "2025/none.csv"])
    assert raised.value.names == ["missing.csv", "2025/none.csv"]


def test_the_newest_archived_version_of_a_file_is_restored(catalog: InMemoryCatalogStore) -> None:
    [old] = [entry for entry in catalog.entries() if entry.key == "2025/north/unique.csv"]
    newer = old.model_copy(
        update={
            "etag": '"newer"',
            "last_modified": old.last_modified + timedelta(days=1),
            "archive_key": "archives/demo/job-2/part-000000.zip",
            "archived_at": ARCHIVED + timedelta(days=30),
        }
    )
    catalog.put_entries([newer])
    owner = project()
    request = RestoreRequest.model_validate(
        {
            "project_name": PROJECT,
            "filename": "unique.csv",
            "retrieval_tier": "Bulk",
            "sns_topic_arn": TOPIC,
        }
    )
    _, [file] = resolve_restore(request, owner, DEPLOYMENT, catalog, ListedEntries(catalog))
    assert file.entry.archive_key == "archives/demo/job-2/part-000000.zip"


def test_a_prefix_selects_every_file_under_it(catalog: InMemoryCatalogStore) -> None:
    assert _resolve(catalog, prefix="2025/north/")[1] == [
        "2025/north/report.csv",
        "2025/north/unique.csv",
    ]


def test_a_prefix_matching_nothing_is_unknown(catalog: InMemoryCatalogStore) -> None:
    with pytest.raises(UnknownFiles):
        _resolve(catalog, prefix="2024/")


def test_a_prefix_selecting_too_many_files_is_refused() -> None:
    store = InMemoryCatalogStore()
    _, entries = pack(
        "a.zip",
        [csv_file(f"many/{index}.csv", rows=1) for index in range(MAX_FILES_PER_REQUEST + 2)],
    )
    store.put_entries(entries)
    with pytest.raises(TooManyFiles) as raised:
        _resolve(store, prefix="many/")
    assert raised.value.field == "prefix"


def test_expedited_is_refused_for_deep_archive_saying_why(catalog: InMemoryCatalogStore) -> None:
    with pytest.raises(TierNotOffered) as raised:
        _resolve(catalog, retrieval_tier="Expedited")
    error = raised.value
    assert (error.storage_class, error.allowed) == ("DEEP_ARCHIVE", ("Standard", "Bulk"))
    assert "12 hours" in str(error)
    assert "48 hours" in str(error)


def test_expedited_is_offered_for_glacier() -> None:
    store = InMemoryCatalogStore()
    store.put_entries(pack("g.zip", [csv_file("g/unique.csv")], storage_class="GLACIER")[1])
    assert _resolve(store, retrieval_tier="Expedited")[0] == "Expedited"


def test_an_unknown_tier_lists_the_tiers(catalog: InMemoryCatalogStore) -> None:
    with pytest.raises(TierNotOffered) as raised:
        _resolve(catalog, retrieval_tier="standard")
    assert raised.value.allowed == ("Expedited", "Standard", "Bulk")


def test_the_topic_must_be_one_the_project_registered(catalog: InMemoryCatalogStore) -> None:
    other = "arn:aws:sns:eu-west-1:123456789012:elsewhere"
    with pytest.raises(TopicNotRegistered) as raised:
        _resolve(catalog, sns_topic_arn=other)
    assert raised.value.registered == (TOPIC,)


def test_an_unregistered_project_is_refused(catalog: InMemoryCatalogStore) -> None:
    request = RestoreRequest.model_validate(
        {
            "project_name": "other",
            "filename": "x.csv",
            "retrieval_tier": "Bulk",
            "sns_topic_arn": TOPIC,
        }
    )
    with pytest.raises(ProjectNotRegistered):
        resolve_restore(request, None, DEPLOYMENT, catalog, ListedEntries(catalog))


@pytest.mark.parametrize(("field", "value"), [("region", "us-east-1"), ("account", "999999999999")])
def test_another_region_or_account_is_refused(
    catalog: InMemoryCatalogStore, field: str, value: str
) -> None:
    with pytest.raises(DeploymentMismatch) as raised:
        _resolve(catalog, **{field: value})
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("first", "last", "prefix", "meets"),
    [
        ("a/1", "a/9", "a/", True),  # inside
        ("0", "a/5", "a/", True),  # ends inside
        ("a/5", "b", "a/", True),  # starts inside
        ("0", "b", "a/", True),  # spans it
        ("0", "a", "a/", False),  # ends before every key under it
        ("a0", "b", "a/", False),  # starts after every key under it ("0" sorts after "/")
        ("b", "c", "a/", False),
        ("a/", "a/", "a/", True),  # the prefix is itself a key
        ("x", "y", "", True),  # an empty prefix meets every range
    ],
)
def test_a_key_range_meets_a_prefix_when_a_key_under_it_can_fall_inside(
    first: str, last: str, prefix: str, meets: bool
) -> None:
    assert range_overlaps_prefix(first, last, prefix) is meets
