"""The one place trigger_archive reads its environment and builds its adapters.

Settings are read on first use (never at import) and cached for the life of the Lambda
environment. Each run opens its own ports (``run_ports``): the secrets are read (Powertools
caches them for five minutes), a database engine and an HTTP session with a fresh token are
made, and both are closed when the run ends. Tests bind in-memory twins with
``monkeypatch.setattr(wiring, "run_ports", ...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field

from strongroom.core import aws
from strongroom.core.settings import EnvironmentSettings, SettingsError
from strongroom.trigger_archive.adapters.database import mediant_engine
from strongroom.trigger_archive.adapters.dex_trigger_api import DexTriggerApi
from strongroom.trigger_archive.adapters.mediant_schema import DEFAULT_SERVICE_IDS
from strongroom.trigger_archive.adapters.oauth_session import dex_session
from strongroom.trigger_archive.adapters.s3_archive_store import S3ArchiveStore
from strongroom.trigger_archive.adapters.secrets import ApiSecret, DatabaseSecret, read_secret
from strongroom.trigger_archive.adapters.sql_client_directory import SqlClientDirectory
from strongroom.trigger_archive.services import RunPorts, RunSettings

__all__ = ["ArchiveSettings", "SettingsError", "run_ports", "settings"]

BUCKET_NAME_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"


def _id_list(value: object) -> object:
    """``"2,8,3,4,5"`` as a list of ids (a template parameter is text)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _zone(value: object) -> object:
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (UTC, Europe/London)") from None
    return value


class ArchiveSettings(EnvironmentSettings):
    model_config = EnvironmentSettings.model_config | {"arbitrary_types_allowed": True}

    bucket_name: str = Field(alias="BUCKET_NAME", pattern=BUCKET_NAME_PATTERN)
    db_secret_name: str = Field(alias="DB_SECRET_NAME", min_length=1)
    api_secret_name: str = Field(alias="API_SECRET_NAME", min_length=1)
    dex_api_base_url: str = Field(alias="DEX_API_BASE_URL", pattern=r"^https?://\S+$")
    service_ids: Annotated[tuple[int, ...], BeforeValidator(_id_list)] = Field(
        default=DEFAULT_SERVICE_IDS, alias="SERVICE_IDS", min_length=1
    )
    max_concurrency: int = Field(default=16, alias="MAX_CONCURRENCY", ge=1, le=128)
    request_timeout_s: float = Field(default=10.0, alias="REQUEST_TIMEOUT_S", gt=0, le=300)
    timezone: Annotated[ZoneInfo, BeforeValidator(_zone)] = Field(
        default=ZoneInfo("UTC"), alias="TIMEZONE"
    )
    budget_margin_s: float = Field(default=60.0, alias="BUDGET_MARGIN_S", ge=0, le=600)
    token_auth_method: Literal["client_secret_basic", "client_secret_post"] = Field(
        default="client_secret_basic", alias="TOKEN_AUTH_METHOD"
    )

    @property
    def run(self) -> RunSettings:
        return RunSettings(timezone=self.timezone, max_concurrency=self.max_concurrency)


@cache
def settings() -> ArchiveSettings:
    return ArchiveSettings.from_environment()


@contextmanager
def run_ports() -> Iterator[RunPorts]:
    """The adapters of one run, closed when it ends (also when opening one of them fails)."""
    config = settings()
    with ExitStack() as closing:
        engine = mediant_engine(read_secret(config.db_secret_name, DatabaseSecret))
        closing.callback(engine.dispose)
        session = dex_session(
            read_secret(config.api_secret_name, ApiSecret),
            request_timeout_s=config.request_timeout_s,
            max_connections=config.max_concurrency,
            token_auth_method=config.token_auth_method,
        )
        closing.callback(session.close)
        session.fetch_first_token()
        yield RunPorts(
            directory=SqlClientDirectory(engine, config.service_ids),
            source=DexTriggerApi(session, config.dex_api_base_url),
            store=S3ArchiveStore(config.bucket_name, aws.client("s3")),
        )
