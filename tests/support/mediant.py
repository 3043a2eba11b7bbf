"""A Mediant client database in SQLite for trigger_archive's tests: the seed's two tables,
filled with the clients a test lists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert

from strongroom.trigger_archive.adapters.mediant_schema import (
    client_service_table,
    client_table,
    metadata,
)

MediantClient = tuple[int, str, int | None, Sequence[int]]
"""ClientID, name, OAuth2ClientCredentialsID (None: no credentials), the client's ServiceIDs."""


def mediant_database(path: Path, clients: Sequence[MediantClient]) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        for client_id, name, credentials, services in clients:
            connection.execute(
                insert(client_table).values(
                    ClientID=client_id, name=name, OAuth2ClientCredentialsID=credentials
                )
            )
            for service_id in services:
                connection.execute(
                    insert(client_service_table).values(ClientID=client_id, ServiceID=service_id)
                )
    return engine
