"""The seed's ODBC connection string becomes a pymssql URL; the secret never shows in errors."""

from __future__ import annotations

import pytest

from strongroom.sox_evidence.adapters.connection_string import ConnectionStringError, database_url

SEED_FORMAT = (
    "DRIVER={ODBC Driver 17 for SQL Server};SERVER=your-server;DATABASE=your-db;"
    "UID=your-user;PWD=your-password"
)


def test_the_seeds_format_becomes_sql_server_through_pymssql() -> None:
    url = database_url(SEED_FORMAT)

    assert url.drivername == "mssql+pymssql"
    assert (url.host, url.port, url.database) == ("your-server", 1433, "your-db")
    assert (url.username, url.password) == ("your-user", "your-password")
    assert "your-password" not in repr(url)


def test_ports_braced_values_and_aliases_are_read() -> None:
    url = database_url(
        "Driver={ODBC Driver 18 for SQL Server};Server=tcp:nav.example,14330;"
        "Initial Catalog=NAV BI;User ID=sox;Password={p;a}}ss=};Encrypt=yes;"
    )

    assert (url.host, url.port, url.database) == ("nav.example", 14330, "NAV BI")
    assert url.password == "p;a}ss="


def test_a_sqlite_url_is_the_local_stand_in() -> None:
    url = database_url("sqlite:////tmp/.strongroom/nav_bi.sqlite")

    assert url.get_backend_name() == "sqlite"
    assert url.database == "/tmp/.strongroom/nav_bi.sqlite"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("DRIVER={x};SERVER=h;DATABASE=d;UID=u", "lacks PWD"),
        ("SERVER=h;DATABASE=d;UID=u;PWD=hunter2;Trusted_Connection=yes", "Trusted_Connection"),
        ("SERVER=h;DATABASE=d;UID=u;PWD=hunter2;Foo=bar", "unsupported key 'foo'"),
        ("SERVER=h,99999;DATABASE=d;UID=u;PWD=hunter2", "port"),
        ("SERVER=h;DATABASE=d;UID=u;PWD={hunter2", "not closed"),
        ("SERVER=h;SERVER=i;DATABASE=d;UID=u;PWD=hunter2", "twice"),
        ("just some text", "not KEY=value"),
        ("sqlite+aiosqlite:///x.db", "only a sqlite:/// URL"),
    ],
)
def test_an_unusable_string_is_refused_naming_the_key_not_the_secret(text: str, rule: str) -> None:
    with pytest.raises(ConnectionStringError) as raised:
        database_url(text)

    assert rule in str(raised.value)
    assert "hunter2" not in str(raised.value)
