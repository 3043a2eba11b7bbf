"""The NAV BI connection secret, read through Powertools (cached five minutes per environment).

Its value is never logged or put in an error: a failure names the secret only.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters
from sqlalchemy import URL

from strongroom.sox_evidence.adapters.connection_string import ConnectionStringError, database_url

SECRET_CACHE_SECONDS = 300


class SecretUnusable(RuntimeError):
    """The secret is missing, unreadable, or not a connection string the run can use."""


def read_database_url(secret_name: str) -> URL:
    try:
        raw = parameters.get_secret(secret_name, max_age=SECRET_CACHE_SECONDS)
    except parameters.exceptions.GetParameterError as error:
        raise SecretUnusable(f"secret {secret_name!r} could not be read") from error
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    try:
        return database_url(text)
    except ConnectionStringError as error:
        raise SecretUnusable(f"secret {secret_name!r}: {error}") from None
