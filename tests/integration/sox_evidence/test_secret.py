"""The DB_CREDENTIALS_NAV_BI secret from moto's Secrets Manager, in the seed's format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from strongroom.sox_evidence.adapters.secret import SecretUnusable, read_database_url

pytestmark = pytest.mark.integration

SEED_FORMAT = (
    "DRIVER={ODBC Driver 17 for SQL Server};SERVER=nav-bi.internal,1433;DATABASE=NAV_BI;"
    "UID=sox_reader;PWD=s3cr3t;pass"
)


@pytest.fixture
def secrets() -> Iterator[Any]:
    parameters.clear_caches()
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="eu-west-1")
    parameters.clear_caches()


def test_the_seeds_connection_string_becomes_a_pymssql_url(secrets: Any) -> None:
    secrets.create_secret(
        Name="DB_CREDENTIALS_NAV_BI",
        SecretString=SEED_FORMAT.replace("s3cr3t;pass", "{s3cr3t;pass}"),
    )

    url = read_database_url("DB_CREDENTIALS_NAV_BI")

    assert url.drivername == "mssql+pymssql"
    assert (url.host, url.port, url.database, url.username) == (
        "nav-bi.internal",
        1433,
        "NAV_BI",
        "sox_reader",
    )
    assert url.password == "s3cr3t;pass"


def test_a_missing_or_unusable_secret_is_named_and_its_value_never_shown(secrets: Any) -> None:
    with pytest.raises(SecretUnusable, match="'DB_CREDENTIALS_NAV_BI' could not be read"):
        read_database_url("DB_CREDENTIALS_NAV_BI")

    secrets.create_secret(Name="broken", SecretString="SERVER=h;UID=u;PWD=hunter2")
    with pytest.raises(SecretUnusable) as raised:
        read_database_url("broken")
    assert "lacks DATABASE" in str(raised.value)
    assert "hunter2" not in str(raised.value)
