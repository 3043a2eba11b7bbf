"""Archives catalogued the old way (per-file items and JSON Lines manifests only) are brought
into the new catalog by the migration, from what sits beside them; nothing is deleted."""

from __future__ import annotations

import pytest

from strongroom.deep_archive.adapters.job_files import (
    parquet_manifest_key,
)
from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog, S3ManifestReader
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.services.catalog_migration import migrate_catalog
from tests.integration.deep_archive_packer.conftest import PREFIX, PROJECT, PackerWorld
from tests.integration.deep_archive_packer.test_sources import files

pytestmark = pytest.mark.integration


def as_the_old_code_left_it(world: PackerWorld, job_id: str, archives: list[str]) -> None:
    """Remove what the packer now writes besides the old catalog: Parquet manifests, records."""
    for archive_key in archives:
        key = parquet_manifest_key(PROJECT, job_id, archive_key)
        world.s3.delete_object(Bucket=world.archive_bucket, Key=key)
    pages = world.dynamodb.get_paginator("scan").paginate(TableName=world.tables.catalog)
    for page in pages:
        for item in page["Items"]:
            if not item["pk"]["S"].startswith(PROJECT):
                key = {"pk": item["pk"], "sk": item["sk"]}
                world.dynamodb.delete_item(TableName=world.tables.catalog, Key=key)


def test_the_migration_makes_every_archived_file_findable_again_and_can_rerun(
    world: PackerWorld,
) -> None:
    sources = files(25)
    world.put_sources(sources)
    job = world.create_job(max_files=10)
    assert world.run(job.job_id) is JobStatus.SUCCEEDED
    record = world.record(job.job_id)
    as_the_old_code_left_it(world, job.job_id, record.archives)
    catalog = ManifestCatalog(world.records, S3ManifestReader(world.s3))
    assert catalog.get_latest(PROJECT, world.source_bucket, f"{PREFIX}a/000.csv") is None
    planned_only = f"{record.archives[0]}-never-written.zip"

    report = migrate_catalog(
        [record.model_copy(update={"archives": [*record.archives, planned_only]})],
        world.services().files,
        world.records,
    )

    assert (report.archives, report.manifests_written, report.records_written) == (4, 3, 3)
    assert report.without_manifest == [planned_only]
    for key in sources:
        assert catalog.get_latest(PROJECT, world.source_bucket, key) == world.catalog_entry(key)
    assert world.catalog_size() == len(sources)  # the per-file items are still there
    rerun = migrate_catalog([record], world.services().files, world.records)
    assert (rerun.manifests_written, rerun.records_written) == (0, 3)
