"""The two secrets in the seed's shapes, read through Powertools from moto's Secrets Manager."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities import parameters
from sqlalchemy import URL

from strongroom.trigger_archive.adapters.database import database_url, mediant_engine
from strongroom.trigger_archive.adapters.secrets import (
    ApiSecret,
    DatabaseSecret,
    SecretUnusable,
    read_secret,
)
from tests.integration.trigger_archive.conftest import put_secret

pytestmark = pytest.mark.integration

SEED_DB = {
    "host": "mediant.abc.eu-west-1.rds.amazonaws.com",
    "username": "archive",
    "password": "p@ss:w/rd?#",
    "database": "Mediant",
    "port": 1433,
}


@pytest.fixture(autouse=True)
def _no_cached_secrets() -> None:
    parameters.clear_caches()


def test_the_seeds_database_secret_gives_a_sql_server_url(secretsmanager: Any) -> None:
    put_secret(secretsmanager, "dex-archive/db-credentials", SEED_DB)

    url = database_url(read_secret("dex-archive/db-credentials", DatabaseSecret))

    assert isinstance(url, URL)
    assert url.drivername == "mssql+pymssql"
    assert (url.host, url.port, url.database, url.username) == (
        "mediant.abc.eu-west-1.rds.amazonaws.com",
        1433,
        "Mediant",
        "archive",
    )
    assert url.password == "p@ss:w/rd?#"  # quoted by URL.create, never formatted by hand
    assert "p@ss" not in str(url)  # the rendered URL hides it


def test_an_engine_url_names_a_local_engine(secretsmanager: Any, tmp_path: Any) -> None:
    put_secret(
        secretsmanager,
        "dex-archive/db-credentials",
        {**SEED_DB, "engine_url": f"sqlite:///{tmp_path / 'mediant.db'}"},
    )

    engine = mediant_engine(read_secret("dex-archive/db-credentials", DatabaseSecret))

    assert engine.dialect.name == "sqlite"


def test_the_api_secret_keeps_the_seeds_shape(secretsmanager: Any) -> None:
    put_secret(
        secretsmanager,
        "dex-archive/api-credentials",
        {"token_url": "https://auth.test/oauth/token", "client_id": "c", "client_secret": "s"},
    )

    secret = read_secret("dex-archive/api-credentials", ApiSecret)

    assert secret.client_secret.get_secret_value() == "s"
    assert "s'" not in repr(secret)


def test_a_secret_missing_a_field_is_named_without_its_values(secretsmanager: Any) -> None:
    put_secret(
        secretsmanager,
        "dex-archive/api-credentials",
        {"token_url": "https://auth.test/oauth/token", "client_secret": "hush-hush"},
    )

    with pytest.raises(SecretUnusable) as unusable:
        read_secret("dex-archive/api-credentials", ApiSecret)

    assert "client_id" in str(unusable.value)
    assert "hush-hush" not in str(unusable.value)


def test_a_missing_secret_is_named(secretsmanager: Any) -> None:
    del secretsmanager
    with pytest.raises(SecretUnusable, match="dex-archive/nothing"):
        read_secret("dex-archive/nothing", ApiSecret)


def test_a_database_secret_without_host_or_url_is_refused() -> None:
    with pytest.raises(SecretUnusable, match="host"):
        database_url(DatabaseSecret(username="u", database="Mediant"))
