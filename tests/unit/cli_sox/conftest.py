"""The commands' console is made once, at import: its width comes from whatever terminal (or
COLUMNS) the test process had then. Tables are read at a fixed width here, whatever the order
in which tests import the CLI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from strongroom.cli import common


@pytest.fixture(autouse=True)
def _wide_console() -> Iterator[None]:
    width = common.console.width
    common.console.width = 200
    yield
    common.console.width = width
