"""In-memory twin of the Projects table (``project_store``), stored as its items are."""

from __future__ import annotations

import builtins
from collections.abc import Iterable

from strongroom.deep_archive.adapters.item_codec import Item, from_item, to_item
from strongroom.deep_archive.domain.projects import Project


class InMemoryProjectStore:
    def __init__(self, projects: Iterable[Project] = ()) -> None:
        self._items: dict[str, Item] = {}
        for project in projects:
            self.put(project)

    def put(self, project: Project) -> None:
        self._items[project.name] = to_item(project)

    def get(self, name: str) -> Project | None:
        item = self._items.get(name)
        return None if item is None else Project.model_validate(from_item(item))

    def list(self) -> builtins.list[Project]:
        return [
            Project.model_validate(from_item(self._items[name])) for name in sorted(self._items)
        ]
