"""The local stack's seed for trigger_archive: both secrets in the seed's shapes, idempotently."""

from __future__ import annotations

import dataclasses
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from strongroom.core.localdev import SeedTarget
from strongroom.trigger_archive.adapters.secrets import ApiSecret, DatabaseSecret, read_secret
from strongroom.trigger_archive.localdev import LOCALDEV
from tests.integration.trigger_archive.conftest import REGION

pytestmark = pytest.mark.integration

STANDINS = {
    "dex_api": {
        "base_url": "http://127.0.0.1:8101",
        "token_url": "http://127.0.0.1:8101/oauth/token",
        "client_id": "strongroom-archive",
        "client_secret": "local-secret",
        "control_url": "http://127.0.0.1:8101/control",
        "control_secret": "control",
    },
    "mediant_db": {"path": "/tmp/mediant.db", "url": "sqlite:////tmp/mediant.db"},
}


def _target() -> SeedTarget:
    """A seed target with the stand-ins' seam (a field of SeedTarget once that work lands)."""
    values: dict[str, Any] = {
        "region": REGION,
        "account_id": "123456789012",
        "outputs": {},
        "client": lambda service: boto3.client(service, region_name=REGION),
    }
    if "standins" in {field.name for field in dataclasses.fields(SeedTarget)}:
        return SeedTarget(**values, standins=STANDINS)
    target = SeedTarget(**values)
    object.__setattr__(target, "standins", STANDINS)
    return target


def test_the_seed_stores_both_secrets_in_the_seeds_shapes(secretsmanager: Any) -> None:
    del secretsmanager
    assert LOCALDEV.seed is not None
    parameters.clear_caches()

    LOCALDEV.seed(_target())
    LOCALDEV.seed(_target())  # a restarted stack seeds again

    database = read_secret("dex-archive/db-credentials", DatabaseSecret)
    api = read_secret("dex-archive/api-credentials", ApiSecret)
    assert database.engine_url is not None
    assert database.engine_url.get_secret_value() == "sqlite:////tmp/mediant.db"
    assert (database.host, database.database, database.port) == ("localhost", "Mediant", 1433)
    assert (api.token_url, api.client_id) == (
        "http://127.0.0.1:8101/oauth/token",
        "strongroom-archive",
    )
    assert api.client_secret.get_secret_value() == "local-secret"


def test_the_api_url_parameter_is_filled_from_the_stand_in() -> None:
    assert LOCALDEV.parameters["DexApiBaseUrl"].format_map(STANDINS) == "http://127.0.0.1:8101"
