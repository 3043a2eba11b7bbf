"""The restore routes bound to an in-memory world, so views are tested on the API's own answers."""

from __future__ import annotations

import pytest

from strongroom.core.observability import metrics
from strongroom.deep_archive import wiring
from tests.unit.deep_archive_restore.world import RestoreWorld

from .support import archived_world


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> RestoreWorld:
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
    world = archived_world()
    monkeypatch.setattr(wiring, "ports", lambda: world.ports)
    return world
