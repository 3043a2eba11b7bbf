"""The seed's query through the real adapter, on SQLite (the local stand-in's engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from strongroom.trigger_archive.adapters.mediant_schema import selected_clients
from strongroom.trigger_archive.adapters.sql_client_directory import SqlClientDirectory
from strongroom.trigger_archive.domain import Client, ClientListUnavailable
from tests.support.mediant import mediant_database

CLIENTS = [
    # ClientID, name, OAuth2ClientCredentialsID, service ids
    (1, "Acme", 11, [2]),
    (2, "Globex", 12, [8, 3, 4]),  # several selected services: listed once (DISTINCT)
    (3, "Initech", None, [2, 5]),  # no OAuth2 credentials: left out
    (4, "Umbrella", 14, [7, 9]),  # only other services: left out
    (5, "Hooli", 15, [5, 7]),
    (6, "Stark", 16, []),  # no service at all: left out
]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return mediant_database(tmp_path / "mediant.db", CLIENTS)


def test_the_seeds_query_selects_clients_with_credentials_and_a_trigger_service(
    engine: Engine,
) -> None:
    assert list(SqlClientDirectory(engine).clients()) == [
        Client(1, "Acme"),
        Client(2, "Globex"),
        Client(5, "Hooli"),
    ]


@pytest.mark.parametrize("page_size", [1, 2, 3, 500])
def test_pages_of_any_size_read_the_same_selection(engine: Engine, page_size: int) -> None:
    directory = SqlClientDirectory(engine, page_size=page_size)

    assert [client.id for client in directory.clients()] == [1, 2, 5]


def test_the_service_list_is_configurable(engine: Engine) -> None:
    assert [client.id for client in SqlClientDirectory(engine, (7,)).clients()] == [4, 5]


def test_a_rerun_narrows_the_selection_to_chosen_clients(engine: Engine) -> None:
    directory = SqlClientDirectory(engine)

    # 3 is chosen but the seed's query leaves it out: a rerun never widens the selection.
    assert [client.id for client in directory.clients(only_ids=[2, 3, 5])] == [2, 5]


def test_an_empty_service_list_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="service id"):
        SqlClientDirectory(engine, ())


def test_an_unreadable_database_is_reported_without_its_url(tmp_path: Path) -> None:
    missing = create_engine(f"sqlite:///{tmp_path / 'nowhere' / 'mediant.db'}")

    with pytest.raises(ClientListUnavailable) as unavailable:
        list(SqlClientDirectory(missing).clients())

    assert "nowhere" not in str(unavailable.value)


def test_the_service_ids_are_bound_parameters_not_text() -> None:
    compiled = selected_clients((8, 2)).compile()

    assert "IN (__[POSTCOMPILE_" in str(compiled)
    assert list(compiled.params.values()) == [[2, 8]]
