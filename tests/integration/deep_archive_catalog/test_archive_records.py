"""The archive records in DynamoDB (moto) answer as their in-memory twin: the same scenarios."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from strongroom.deep_archive.adapters.archive_record_store import DynamoDBArchiveRecords
from tests.integration.deep_archive_api.tables import CATALOG_TABLE, create_catalog_table
from tests.unit.deep_archive.test_manifest_catalog import (
    World,
    packed,
    test_a_key_archived_twice_resolves_to_the_newest_version,
    test_a_key_in_no_archive_is_unknown,
    test_a_key_is_found_in_the_one_archive_of_its_job_that_holds_it,
    test_other_projects_and_buckets_are_not_searched,
    test_recording_an_archive_twice_changes_nothing,
)

__all__ = [
    "test_a_key_archived_twice_resolves_to_the_newest_version",
    "test_a_key_in_no_archive_is_unknown",
    "test_a_key_is_found_in_the_one_archive_of_its_job_that_holds_it",
    "test_other_projects_and_buckets_are_not_searched",
    "test_recording_an_archive_twice_changes_nothing",
]


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_catalog_table(client)
        yield packed(World(DynamoDBArchiveRecords(CATALOG_TABLE, client)))


def test_records_stay_out_of_the_by_file_name_index(world: World) -> None:
    client = boto3.client("dynamodb", region_name="us-east-1")

    indexed = client.scan(TableName=CATALOG_TABLE, IndexName="byFileName")["Items"]
    stored = client.scan(TableName=CATALOG_TABLE)["Items"]

    assert indexed == []
    assert len(stored) == 4 + 2  # four archives, two jobs
