"""The Mediant stand-in answers the seed's query exactly as SQL Server would."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from strongroom.local.standins import mediant_db

# The seed's query, character for character, trailing spaces included (seeds/000, "Database
# Query Reference").
SEED_QUERY = (
    "SELECT DISTINCT c.ClientID, c.name \n"
    "FROM Client c\n"
    "INNER JOIN ClientServiceExt cs ON c.ClientID = cs.ClientID \n"
    "WHERE c.OAuth2ClientCredentialsID IS NOT NULL\n"
    "AND cs.ServiceID IN (2,8,3,4,5)"
)


def rows(path: Path, query: str) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(path)) as connection:
        return [(int(row[0]), str(row[1])) for row in connection.execute(query)]


def test_the_seed_query_selects_exactly_the_demo_clients_it_should(tmp_path: Path) -> None:
    described = mediant_db.create_demo_database(tmp_path)

    selected = rows(Path(described["path"]), SEED_QUERY)

    assert {client_id for client_id, _ in selected} == mediant_db.SELECTED_DEMO_CLIENT_IDS
    assert len(selected) == len(mediant_db.SELECTED_DEMO_CLIENT_IDS) == 8
    assert (1001, "Acme Savings Bank") in selected


def test_the_demo_holds_clients_the_query_must_leave_out_and_duplicates_distinct_removes(
    tmp_path: Path,
) -> None:
    path = Path(mediant_db.create_demo_database(tmp_path)["path"])

    every_client = rows(path, "SELECT ClientID, name FROM Client")
    without_distinct = rows(path, SEED_QUERY.replace("DISTINCT ", ""))

    assert len(every_client) == 12
    assert len(without_distinct) > len(set(without_distinct))


def test_creating_it_again_keeps_one_copy_of_each_row(tmp_path: Path) -> None:
    mediant_db.create_demo_database(tmp_path)
    described = mediant_db.create_demo_database(tmp_path)

    path = Path(described["path"])
    services = rows(path, "SELECT ClientID, ServiceID FROM ClientServiceExt")
    assert len(services) == len(set(services))
    assert len(rows(path, SEED_QUERY)) == 8


def test_it_is_described_by_an_absolute_path_and_a_sqlalchemy_url(tmp_path: Path) -> None:
    described = mediant_db.create_demo_database(tmp_path)

    assert described["path"] == str((tmp_path / "mediant.sqlite").resolve())
    assert described["url"] == "sqlite:///" + described["path"]
    assert described["url"].startswith("sqlite:////")


def test_the_columns_keep_sql_servers_names(tmp_path: Path) -> None:
    path = Path(mediant_db.create_demo_database(tmp_path)["path"])

    with closing(sqlite3.connect(path)) as connection:
        client = [row[1] for row in connection.execute("PRAGMA table_info(Client)")]
        service = [row[1] for row in connection.execute("PRAGMA table_info(ClientServiceExt)")]

    assert client == ["ClientID", "name", "OAuth2ClientCredentialsID"]
    assert service == ["ClientID", "ServiceID"]


def test_synthetic_clients_are_all_selected(tmp_path: Path) -> None:
    path = tmp_path / "bench.sqlite"

    mediant_db.generate_clients(path, 20_000)

    selected = rows(path, SEED_QUERY)
    assert len(selected) == 20_000
    assert {client_id for client_id, _ in selected} == set(range(100_000, 120_000))
