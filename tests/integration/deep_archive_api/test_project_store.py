"""The ProjectStore contract, against the Projects table in moto and the in-memory fake."""

from __future__ import annotations

import pytest

from strongroom.deep_archive.adapters.in_memory_projects import InMemoryProjectStore
from strongroom.deep_archive.adapters.project_store import DynamoDBProjectStore, ProjectStore
from strongroom.deep_archive.domain.projects import MonthlySchedule, Project, SourceLocation
from tests.integration.deep_archive_api.tables import DeepArchiveTables
from tests.unit.deep_archive_api.support import finance_project

pytestmark = pytest.mark.integration


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest) -> ProjectStore:
    if request.param == "memory":
        return InMemoryProjectStore()
    tables: DeepArchiveTables = request.getfixturevalue("tables")
    return DynamoDBProjectStore(tables.projects, request.getfixturevalue("dynamodb"))


def payroll() -> Project:
    return Project(
        name="payroll",
        sources=(SourceLocation(bucket="payroll-src"),),
        notification_topic_arns=("arn:aws:sns:eu-west-1:123456789012:payroll",),
    )


def test_a_project_reads_back_as_registered(store: ProjectStore) -> None:
    store.put(finance_project())
    store.put(payroll())

    assert store.get("finance") == finance_project()
    assert store.get("payroll") == payroll()
    assert store.get("hr") is None


def test_registering_again_replaces(store: ProjectStore) -> None:
    store.put(finance_project())

    store.put(finance_project(storage_class="GLACIER", schedule=MonthlySchedule(enabled=False)))

    project = store.get("finance")
    assert project is not None
    assert project.storage_class == "GLACIER"
    assert project.schedule == MonthlySchedule(enabled=False)


def test_projects_are_listed_by_name(store: ProjectStore) -> None:
    store.put(payroll())
    store.put(finance_project())

    assert [project.name for project in store.list()] == ["finance", "payroll"]


def test_a_project_is_stored_as_plain_json(dynamodb: object, tables: DeepArchiveTables) -> None:
    DynamoDBProjectStore(tables.projects, dynamodb).put(finance_project())  # type: ignore[arg-type]

    item = dynamodb.get_item(  # type: ignore[attr-defined]
        TableName=tables.projects, Key={"name": {"S": "finance"}}
    )["Item"]
    assert item["file_count"] == {"N": "50000"}
    assert item["sources"] == {
        "L": [
            {
                "M": {
                    "bucket": {"S": "finance-reports-src"},
                    "prefixes": {"L": [{"S": "daily/"}, {"S": "monthly/"}]},
                }
            }
        ]
    }
