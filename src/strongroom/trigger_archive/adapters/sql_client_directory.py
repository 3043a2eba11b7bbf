"""ClientDirectory on the Mediant database via SQLAlchemy (SQL Server on AWS, SQLite locally)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from strongroom.trigger_archive.adapters.mediant_schema import DEFAULT_SERVICE_IDS, selected_clients
from strongroom.trigger_archive.domain import Client, ClientListUnavailable

PAGE_SIZE = 500


class SqlClientDirectory:
    """Reads the selection a page at a time (keyset pagination on ClientID): memory holds one
    page, and no cursor or connection stays open on the database while the run calls the API."""

    def __init__(
        self,
        engine: Engine,
        service_ids: Sequence[int] = DEFAULT_SERVICE_IDS,
        page_size: int = PAGE_SIZE,
    ) -> None:
        if not service_ids:
            raise ValueError("at least one service id is needed")
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._engine = engine
        self._service_ids = tuple(service_ids)
        self._page_size = page_size

    def clients(self, only_ids: Collection[int] | None = None) -> Iterator[Client]:
        after_id: int | None = None
        while True:
            page = self._page(only_ids, after_id)
            yield from page
            if len(page) < self._page_size:
                return
            after_id = page[-1].id

    def _page(self, only_ids: Collection[int] | None, after_id: int | None) -> list[Client]:
        query = selected_clients(
            self._service_ids, only_ids, after_id=after_id, page_size=self._page_size
        )
        try:
            with self._engine.connect() as connection:
                rows = connection.execute(query).all()
        except SQLAlchemyError as error:
            # The driver's message may quote the connection string: name the failure only.
            raise ClientListUnavailable(
                f"the Mediant client list could not be read ({type(error).__name__})"
            ) from error
        return [Client(id=int(client_id), name=str(name)) for client_id, name in rows]
