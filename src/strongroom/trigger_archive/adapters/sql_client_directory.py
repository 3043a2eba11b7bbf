"""ClientDirectory on the Mediant database via SQLAlchemy (SQL Server on AWS, SQLite locally)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from strongroom.trigger_archive.adapters.mediant_schema import DEFAULT_SERVICE_IDS, selected_clients
from strongroom.trigger_archive.domain import Client, ClientListUnavailable

ROWS_PER_FETCH = 500


class SqlClientDirectory:
    def __init__(self, engine: Engine, service_ids: Sequence[int] = DEFAULT_SERVICE_IDS) -> None:
        if not service_ids:
            raise ValueError("at least one service id is needed")
        self._engine = engine
        self._service_ids = tuple(service_ids)

    def clients(self, only_ids: Collection[int] | None = None) -> Iterator[Client]:
        """Rows are streamed (``yield_per``): the list is never held whole in memory."""
        query = selected_clients(self._service_ids, only_ids)
        try:
            with self._engine.connect() as connection:
                rows = connection.execution_options(yield_per=ROWS_PER_FETCH).execute(query)
                for client_id, name in rows:
                    yield Client(id=int(client_id), name=str(name))
        except SQLAlchemyError as error:
            # The driver's message may quote the connection string: name the failure only.
            raise ClientListUnavailable(
                f"the Mediant client list could not be read ({type(error).__name__})"
            ) from error
