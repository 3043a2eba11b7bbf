"""obstore stores for the packer's bulk GETs, configured from the environment as boto3 would be.

obstore (Rust ``object_store``) costs about a tenth of boto3's CPU per GET, which is what lets
one Fargate task keep thousands of small GETs a second in flight. It must find the same
endpoint and region as the boto3 clients beside it, so both the local stack and AWS work
without the packer asking where it runs:

- region: ``AWS_REGION``, else ``AWS_DEFAULT_REGION``;
- endpoint: ``AWS_ENDPOINT_URL_S3``, else ``AWS_ENDPOINT_URL`` (boto3's service-specific
  override first); when one is set, requests are path-style and plain ``http://`` is allowed;
- credentials: obstore's own chain (environment keys, ECS/Fargate container credentials, web
  identity) unless the caller passes credentials, e.g. a scoped boto3 session's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from obstore.store import S3Store
from pydantic import AliasChoices, ConfigDict, Field

from strongroom.core.settings import EnvironmentSettings

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig, S3Config, S3Credential

CREDENTIAL_REFRESH_INTERVAL = timedelta(minutes=5)
"""How long obstore may cache credentials taken from a refreshing boto3 credentials object.

botocore refreshes temporary credentials 10-15 minutes before they expire, so the frozen set
obstore holds is always valid for longer than this."""


@dataclass(frozen=True, slots=True)
class StoreTuning:
    """HTTP client and retry settings shared by every store the packer builds.

    Every body is read in full as soon as its headers arrive (large objects in ranges of a few
    MiB), so a request never waits on a slow consumer and tight timeouts are safe:
    ``read_timeout`` catches a stalled connection, ``request_timeout`` bounds a whole request.
    obstore retries 5xx (S3's 503 SlowDown included), dropped connections and timeouts, with
    exponential backoff and jitter, for at most ``retry_timeout``.
    """

    connect_timeout: timedelta = timedelta(seconds=5)
    read_timeout: timedelta = timedelta(seconds=30)
    request_timeout: timedelta = timedelta(seconds=90)
    pool_idle_timeout: timedelta = timedelta(seconds=50)
    max_retries: int = 8
    initial_backoff: timedelta = timedelta(milliseconds=100)
    max_backoff: timedelta = timedelta(seconds=15)
    retry_timeout: timedelta = timedelta(minutes=3)

    def client_options(self, *, allow_http: bool) -> ClientConfig:
        return {
            "allow_http": allow_http,
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "timeout": self.request_timeout,
            "pool_idle_timeout": self.pool_idle_timeout,
        }

    def retry_config(self) -> RetryConfig:
        return {
            "max_retries": self.max_retries,
            "retry_timeout": self.retry_timeout,
            "backoff": {
                "init_backoff": self.initial_backoff,
                "max_backoff": self.max_backoff,
                "base": 2,
            },
        }


class FrozenCredentials(Protocol):
    """botocore's ``ReadOnlyCredentials`` (or anything with these three attributes)."""

    @property
    def access_key(self) -> str: ...

    @property
    def secret_key(self) -> str: ...

    @property
    def token(self) -> str | None: ...


@runtime_checkable
class RefreshingCredentials(Protocol):
    """botocore's ``Credentials``: temporary ones renew themselves when asked for a frozen set."""

    def get_frozen_credentials(self) -> FrozenCredentials: ...


class S3Endpoint(EnvironmentSettings):
    """Where S3 answers and in which region, resolved from the environment."""

    model_config = ConfigDict(populate_by_name=True)

    region: str | None = Field(
        default=None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    endpoint_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"),
    )


def s3_store(
    bucket: str,
    *,
    credentials: FrozenCredentials | RefreshingCredentials | None = None,
    environment: Mapping[str, str] = os.environ,
) -> S3Store:
    """An S3Store for ``bucket`` that reaches the same S3 as a boto3 client built here would.

    Without ``credentials`` obstore resolves them itself, as boto3 does on AWS. A botocore
    ``Credentials`` object is asked for a fresh frozen set every few minutes, so scoped or
    assumed-role session credentials keep working past their first expiry.
    """
    tuning = StoreTuning()
    endpoint = S3Endpoint.from_environment(environment)
    config: S3Config = {}
    if endpoint.region:
        config["region"] = endpoint.region
    allow_http = False
    if endpoint.endpoint_url:
        config["endpoint"] = endpoint.endpoint_url.rstrip("/")
        config["virtual_hosted_style_request"] = False
        allow_http = endpoint.endpoint_url.startswith("http://")
    return S3Store(
        bucket,
        config=config,
        client_options=tuning.client_options(allow_http=allow_http),
        retry_config=tuning.retry_config(),
        credential_provider=None if credentials is None else CredentialProvider(credentials),
    )


class CredentialProvider:
    """An obstore credential provider for boto3 credentials (frozen, or refreshing)."""

    def __init__(self, credentials: FrozenCredentials | RefreshingCredentials) -> None:
        self._credentials = credentials

    def __call__(self) -> S3Credential:
        if isinstance(self._credentials, RefreshingCredentials):
            frozen = self._credentials.get_frozen_credentials()
            expires_at: datetime | None = datetime.now(UTC) + CREDENTIAL_REFRESH_INTERVAL
        else:
            frozen, expires_at = self._credentials, None
        return {
            "access_key_id": frozen.access_key,
            "secret_access_key": frozen.secret_key,
            "token": frozen.token,
            "expires_at": expires_at,
        }
