"""Registered projects: the Projects table (hash ``name``), one item per Project as plain JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Self

from pydantic import Field

from strongroom.core import aws
from strongroom.core.settings import TABLE_NAME_PATTERN, EnvironmentSettings
from strongroom.deep_archive.adapters.item_codec import attribute, from_item, to_item
from strongroom.deep_archive.domain.projects import Project

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class ProjectStore(Protocol):
    def put(self, project: Project) -> None:
        """Register ``project``, replacing an earlier registration of the same name."""
        ...

    def get(self, name: str) -> Project | None: ...

    def list(self) -> list[Project]:
        """Every registered project, by name."""
        ...


class ProjectsTableSettings(EnvironmentSettings):
    table_name: str = Field(alias="PROJECTS_TABLE_NAME", pattern=TABLE_NAME_PATTERN)


class DynamoDBProjectStore:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table_name = table_name
        self._client: DynamoDBClient = client or aws.client("dynamodb")

    @classmethod
    def from_environment(cls) -> Self:
        return cls(ProjectsTableSettings.from_environment().table_name)

    def put(self, project: Project) -> None:
        self._client.put_item(TableName=self._table_name, Item=to_item(project))

    def get(self, name: str) -> Project | None:
        response = self._client.get_item(
            TableName=self._table_name, Key={"name": attribute(name)}, ConsistentRead=True
        )
        item = response.get("Item")
        return None if item is None else Project.model_validate(from_item(item))

    def list(self) -> list[Project]:
        pages = self._client.get_paginator("scan").paginate(
            TableName=self._table_name, ConsistentRead=True
        )
        projects = [
            Project.model_validate(from_item(item)) for page in pages for item in page["Items"]
        ]
        return sorted(projects, key=lambda project: project.name)
