from __future__ import annotations

from pathlib import Path

import pytest

from strongroom.sox_evidence.localdev import generate


@pytest.fixture(scope="session")
def nav_bi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3,000-entry stand-in, generated once (tests that change data copy it)."""
    path = tmp_path_factory.mktemp("nav_bi") / "nav_bi.sqlite"
    generate(path, rows=3_000)
    return path
