"""The two Mediant tables the seed's query reads, and the query itself, in SQLAlchemy Core.

    SELECT DISTINCT c.ClientID, c.name
    FROM Client c
    INNER JOIN ClientServiceExt cs ON c.ClientID = cs.ClientID
    WHERE c.OAuth2ClientCredentialsID IS NOT NULL
    AND cs.ServiceID IN (2,8,3,4,5)

The service ids are bound parameters (an expanding IN), never formatted into the text.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Column, Integer, MetaData, Select, String, Table, select

metadata = MetaData()

client_table = Table(
    "Client",
    metadata,
    Column("ClientID", Integer, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("OAuth2ClientCredentialsID", Integer, nullable=True),
)

client_service_table = Table(
    "ClientServiceExt",
    metadata,
    Column("ClientID", Integer, nullable=False),
    Column("ServiceID", Integer, nullable=False),
)

DEFAULT_SERVICE_IDS = (2, 8, 3, 4, 5)
"""The services that carry the ``dex/trigger:all`` scope (the seed's list)."""


def selected_clients(
    service_ids: Collection[int],
    only_ids: Collection[int] | None = None,
    *,
    after_id: int | None = None,
    page_size: int | None = None,
) -> Select[int, str]:
    """The seed's query, in ClientID order; ``only_ids`` narrows it to chosen clients (a rerun),
    ``after_id`` and ``page_size`` read one page of it (keyset pagination)."""
    client = client_table.alias("c")
    service = client_service_table.alias("cs")
    query = (
        select(client.c.ClientID, client.c.name)
        .distinct()
        .select_from(client.join(service, client.c.ClientID == service.c.ClientID))
        .where(client.c.OAuth2ClientCredentialsID.is_not(None))
        .where(service.c.ServiceID.in_(sorted(set(service_ids))))
    )
    if only_ids is not None:
        query = query.where(client.c.ClientID.in_(sorted(set(only_ids))))
    if after_id is not None:
        query = query.where(client.c.ClientID > after_id)
    query = query.order_by(client.c.ClientID)
    return query if page_size is None else query.limit(page_size)
