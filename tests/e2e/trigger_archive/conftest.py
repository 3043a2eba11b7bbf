"""Fixtures of trigger_archive's e2e tests: its outputs, the seed's selection, the DEX stand-in.

Every test archives its own past day (the bucket lives as long as the session) and leaves the
DEX stand-in without faults, revisions or stats.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from strongroom.local.standins.dex_api import DexApiStandIn

SYSTEM = "trigger_archive"
SEED_QUERY = (
    "SELECT DISTINCT c.ClientID, c.name FROM Client c"
    " INNER JOIN ClientServiceExt cs ON c.ClientID = cs.ClientID"
    " WHERE c.OAuth2ClientCredentialsID IS NOT NULL AND cs.ServiceID IN (2,8,3,4,5)"
)


@pytest.fixture(scope="module")
def outputs(endpoints: Endpoints) -> dict[str, str]:
    return endpoints.outputs[SYSTEM]


@pytest.fixture(scope="module")
def function_name(outputs: dict[str, str]) -> str:
    return outputs["FunctionName"]


@pytest.fixture(scope="module")
def bucket(outputs: dict[str, str]) -> str:
    return outputs["ArchiveBucketName"]


@pytest.fixture
def selected(endpoints: Endpoints) -> dict[int, str]:
    """``ClientID -> name`` as the seed's own SQL selects them from the Mediant stand-in now
    (read per test: another test of the session may add clients to the file)."""
    path = Path(endpoints.standins["mediant_db"]["path"])
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        rows = connection.execute(SEED_QUERY).fetchall()
    assert rows, "the Mediant stand-in holds no client the seed selects"
    return {int(client_id): str(name) for client_id, name in rows}


@pytest.fixture
def dex(local_stack: LocalStack) -> Iterator[DexApiStandIn]:
    """The stack's DEX stand-in, from a clean state; faults and revisions are undone after."""
    standin = local_stack.standins.dex_api
    standin.reset()
    yield standin
    standin.reset()
