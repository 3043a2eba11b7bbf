"""The Mediant database stand-in: an SQLite file with SQL Server's tables and demo clients.

The seed's query selects clients with OAuth2 credentials and at least one service in
(2, 8, 3, 4, 5). The demo data holds clients it must select (some with several matching
services, so ``DISTINCT`` matters), clients without OAuth2 credentials and clients with only
other services. Creating the file is idempotent: the demo rows are put back, others are kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

NAME = "mediant_db"
FILE_NAME = "mediant.sqlite"
TRIGGER_SERVICE_IDS = (2, 8, 3, 4, 5)
OTHER_SERVICE_IDS = (1, 6, 7)
SYNTHETIC_FIRST_ID = 100_000
_INSERT_BATCH = 5_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS Client (
    ClientID INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    OAuth2ClientCredentialsID TEXT NULL
);
CREATE TABLE IF NOT EXISTS ClientServiceExt (
    ClientID INTEGER NOT NULL,
    ServiceID INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS IX_ClientServiceExt_ClientID ON ClientServiceExt (ClientID);
"""


@dataclass(frozen=True)
class DemoClient:
    client_id: int
    name: str
    credentials_id: str | None
    service_ids: tuple[int, ...]


DEMO_CLIENTS = (
    # Selected: credentials and at least one trigger service.
    DemoClient(1001, "Acme Savings Bank", "7c1e0c9a-1001-4d2b-9a11-0a1b2c3d4e01", (2,)),
    DemoClient(1002, "Bluewater Credit Union", "7c1e0c9a-1002-4d2b-9a11-0a1b2c3d4e02", (2, 8)),
    DemoClient(1003, "Cedar Trust", "7c1e0c9a-1003-4d2b-9a11-0a1b2c3d4e03", (3,)),
    DemoClient(1004, "Dunmore Federal", "7c1e0c9a-1004-4d2b-9a11-0a1b2c3d4e04", (4, 5, 1)),
    DemoClient(1005, "Eastgate Financial", "7c1e0c9a-1005-4d2b-9a11-0a1b2c3d4e05", (5,)),
    DemoClient(1006, "Fairview Mutual", "7c1e0c9a-1006-4d2b-9a11-0a1b2c3d4e06", (8, 6)),
    DemoClient(1007, "Granite Bancorp", "7c1e0c9a-1007-4d2b-9a11-0a1b2c3d4e07", (2, 3, 4)),
    DemoClient(1008, "Harbor Point Bank", "7c1e0c9a-1008-4d2b-9a11-0a1b2c3d4e08", (8,)),
    # Left out: no OAuth2 credentials, though their services match.
    DemoClient(2001, "Ironwood Savings", None, (2, 3)),
    DemoClient(2002, "Juniper Credit", None, (8,)),
    # Left out: credentials, but only other services.
    DemoClient(3001, "Keystone Lending", "7c1e0c9a-3001-4d2b-9a11-0a1b2c3d4e31", (1, 6)),
    DemoClient(3002, "Lakeshore Bank", "7c1e0c9a-3002-4d2b-9a11-0a1b2c3d4e32", (7,)),
)
SELECTED_DEMO_CLIENT_IDS = frozenset(
    client.client_id
    for client in DEMO_CLIENTS
    if client.credentials_id is not None
    and any(service in TRIGGER_SERVICE_IDS for service in client.service_ids)
)


def database_path(state_dir: Path) -> Path:
    return state_dir / FILE_NAME


def describe(path: Path) -> dict[str, str]:
    """What a system needs: the file and its SQLAlchemy URL (absolute: four slashes)."""
    absolute = path.resolve()
    return {"path": str(absolute), "url": f"sqlite:///{absolute}"}


def create_demo_database(state_dir: Path) -> dict[str, str]:
    """Create (or refresh) ``<state_dir>/mediant.sqlite`` with the demo clients."""
    path = database_path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    _put_clients(path, DEMO_CLIENTS)
    return describe(path)


def generate_clients(path: Path, count: int, first_id: int = SYNTHETIC_FIRST_ID) -> None:
    """Put ``count`` synthetic clients the seed's query selects into ``path`` (for benchmarks):
    one or two trigger services each, every third also with another service."""
    _put_clients(path, _synthetic(count, first_id))


def _synthetic(count: int, first_id: int) -> Iterator[DemoClient]:
    for offset in range(count):
        client_id = first_id + offset
        services = [TRIGGER_SERVICE_IDS[offset % len(TRIGGER_SERVICE_IDS)]]
        if offset % 2:
            services.append(TRIGGER_SERVICE_IDS[(offset + 2) % len(TRIGGER_SERVICE_IDS)])
        if offset % 3 == 0:
            services.append(OTHER_SERVICE_IDS[offset % len(OTHER_SERVICE_IDS)])
        yield DemoClient(
            client_id, f"Synthetic Client {client_id}", f"synthetic-{client_id}", tuple(services)
        )


def _put_clients(path: Path, clients: Iterator[DemoClient] | tuple[DemoClient, ...]) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executescript(SCHEMA)
        batch: list[DemoClient] = []
        for client in clients:
            batch.append(client)
            if len(batch) >= _INSERT_BATCH:
                _insert(connection, batch)
                batch.clear()
        _insert(connection, batch)


def _insert(connection: sqlite3.Connection, clients: list[DemoClient]) -> None:
    connection.executemany(
        "INSERT OR REPLACE INTO Client (ClientID, name, OAuth2ClientCredentialsID)"
        " VALUES (?, ?, ?)",
        [(c.client_id, c.name, c.credentials_id) for c in clients],
    )
    connection.executemany(
        "INSERT INTO ClientServiceExt (ClientID, ServiceID) SELECT ?, ?"
        " WHERE NOT EXISTS (SELECT 1 FROM ClientServiceExt WHERE ClientID = ? AND ServiceID = ?)",
        [
            (c.client_id, service, c.client_id, service)
            for c in clients
            for service in c.service_ids
        ],
    )
