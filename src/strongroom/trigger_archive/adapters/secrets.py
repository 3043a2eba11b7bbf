"""The two Secrets Manager secrets, in the seed's JSON shapes, read through Powertools.

A secret that is not valid JSON or lacks a field fails naming the secret and the field, never
showing its value.
"""

from __future__ import annotations

from typing import TypeVar

from aws_lambda_powertools.utilities import parameters
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

SECRET_CACHE_SECONDS = 300


class DatabaseSecret(BaseModel):
    """``dex-archive/db-credentials``: the seed's shape, plus an optional ``engine_url`` naming
    another engine outright (the local stack's SQLite stand-in: ``sqlite:////abs/path``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    host: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    database: str | None = None
    port: int = Field(default=1433, ge=1, le=65535)
    engine_url: SecretStr | None = None


class ApiSecret(BaseModel):
    """``dex-archive/api-credentials``: the OAuth2 client the DEX API knows this archive by."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    token_url: str = Field(pattern=r"^https?://\S+$")
    client_id: str = Field(min_length=1)
    client_secret: SecretStr


class SecretUnusable(RuntimeError):
    """A secret is missing, unreadable or not in its expected shape."""


Shape = TypeVar("Shape", bound=BaseModel)


def read_secret(name: str, shape: type[Shape]) -> Shape:
    try:
        raw = parameters.get_secret(name, max_age=SECRET_CACHE_SECONDS)
    except parameters.exceptions.GetParameterError as error:
        raise SecretUnusable(f"secret {name!r} could not be read") from error
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    try:
        return shape.model_validate_json(text)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'secret'}: {problem['msg']}"
            for problem in error.errors(include_url=False, include_input=False)
        )
        raise SecretUnusable(f"secret {name!r} is not a {shape.__name__}: {problems}") from None
