"""Archives catalogued the old way (per-file items and JSON Lines manifests only) are brought
into the new catalog by the migration, from what sits beside them; nothing is deleted."""

from __future__ import annotations

import pytest

from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog, S3ManifestReader
from strongroom.deep_archive.domain.job_records import JobStatus
from strongroom.deep_archive.services.catalog_migration import migrate_catalog
from tests.integration.deep_archive_packer.conftest import PREFIX, PROJECT, PackerWorld
from tests.integration.deep_archive_packer.test_sources import files
from tests.support.old_catalog import as_the_old_code_left_it

pytestmark = pytest.mark.integration


def test_the_migration_makes_every_archived_file_findable_again_and_can_rerun(
    world: PackerWorld,
) -> None:
    sources = files(25)
    world.put_sources(sources)
    job = world.create_job(max_files=10)
    assert world.run(job.job_id) is JobStatus.SUCCEEDED
    record = world.record(job.job_id)
    old_entries = as_the_old_code_left_it(
        world.s3,
        world.dynamodb,
        catalog_table=world.tables.catalog,
        archive_bucket=world.archive_bucket,
        project=PROJECT,
        job_id=job.job_id,
        archives=record.archives,
    )
    catalog = ManifestCatalog(world.records, S3ManifestReader(world.s3))
    assert catalog.get_latest(PROJECT, world.source_bucket, f"{PREFIX}a/000.csv") is None
    planned_only = f"{record.archives[0]}-never-written.zip"

    report = migrate_catalog(
        [record.model_copy(update={"archives": [*record.archives, planned_only]})],
        world.services().files,
        world.records,
        world.s3,
    )

    assert (report.archives, report.manifests_written, report.records_written) == (4, 3, 3)
    assert report.without_manifest == [planned_only]
    for entry in old_entries:
        assert catalog.get_latest(PROJECT, world.source_bucket, entry.key) == entry
        assert world.items.get_latest(PROJECT, world.source_bucket, entry.key) == entry
    assert world.item_count() == len(sources)  # the per-file items are still there
    rerun = migrate_catalog([record], world.services().files, world.records, world.s3)
    assert (rerun.manifests_written, rerun.records_written) == (0, 3)
