"""The local stack's stand-ins for trigger_archive: the DEX API and the Mediant database.

The stack starts both stand-ins (a DEX API with a real OAuth2 token endpoint, a SQLite Mediant
database with demo clients) and tells this seed where they are (``target.standins``). The seed
stores the two secrets the function reads, in the seed's shapes: the database secret names the
SQLite file through ``engine_url``, the API secret the stand-in's token endpoint and client.
With ``strongroom up`` running, the seed's own command works with only ``--endpoint-url`` added:
``aws lambda invoke --function-name dex-trigger-response-archive --payload '{}' response.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from strongroom.core.localdev import LocalDev, SeedTarget

DATABASE_CREDENTIALS = "dex-archive/db-credentials"
API_CREDENTIALS = "dex-archive/api-credentials"


def database_secret(mediant_db: Mapping[str, str]) -> dict[str, Any]:
    """The seed's shape (pointing nowhere on AWS) plus the stand-in's SQLite URL."""
    return {
        "host": "localhost",
        "username": "strongroom",
        "password": "local-only",
        "database": "Mediant",
        "port": 1433,
        "engine_url": str(mediant_db["url"]),
    }


def api_secret(dex_api: Mapping[str, str]) -> dict[str, str]:
    return {
        "token_url": str(dex_api["token_url"]),
        "client_id": str(dex_api["client_id"]),
        "client_secret": str(dex_api["client_secret"]),
    }


def put_secret(secretsmanager: Any, name: str, value: dict[str, Any]) -> None:
    """Create the secret, or give it this value if it exists (a restarted stack)."""
    text = json.dumps(value)
    try:
        secretsmanager.create_secret(Name=name, SecretString=text)
    except secretsmanager.exceptions.ResourceExistsException:
        secretsmanager.put_secret_value(SecretId=name, SecretString=text)


def seed(target: SeedTarget) -> None:
    secretsmanager = target.client("secretsmanager")
    put_secret(secretsmanager, DATABASE_CREDENTIALS, database_secret(target.standins["mediant_db"]))
    put_secret(secretsmanager, API_CREDENTIALS, api_secret(target.standins["dex_api"]))


LOCALDEV = LocalDev(
    parameters={"DexApiBaseUrl": "{dex_api[base_url]}"},
    seed=seed,
)
