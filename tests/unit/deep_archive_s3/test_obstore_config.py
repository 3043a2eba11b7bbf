"""obstore stores built from the environment the way boto3 reads it (no request is made)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import pytest
from benchmarks.nginx_source import unsigned_http_store

from strongroom.deep_archive.adapters.obstore_config import (
    CredentialProvider,
    S3Endpoint,
    s3_store,
)


def flag(value: object) -> bool:
    """obstore hands boolean settings back as "true"/"false" strings."""
    return str(value).lower() == "true"


class Frozen(NamedTuple):
    access_key: str
    secret_key: str
    token: str | None


class Refreshing:
    """Like botocore's Credentials: a new frozen set each time temporary keys are renewed."""

    def __init__(self) -> None:
        self.calls = 0

    def get_frozen_credentials(self) -> Frozen:
        self.calls += 1
        return Frozen(f"key-{self.calls}", "secret", "session")


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, S3Endpoint(region=None, endpoint_url=None)),
        ({"AWS_DEFAULT_REGION": "us-east-2"}, S3Endpoint(region="us-east-2", endpoint_url=None)),
        (
            {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-2"},
            S3Endpoint(region="eu-west-1", endpoint_url=None),
        ),
        (
            {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"},
            S3Endpoint(region=None, endpoint_url="http://127.0.0.1:5000"),
        ),
        (
            {"AWS_ENDPOINT_URL": "http://all:1", "AWS_ENDPOINT_URL_S3": "http://s3-only:2"},
            S3Endpoint(region=None, endpoint_url="http://s3-only:2"),
        ),
    ],
)
def test_region_and_endpoint_are_resolved_as_boto3_does(
    environment: dict[str, str], expected: S3Endpoint
) -> None:
    assert S3Endpoint.from_environment(environment) == expected


def test_a_local_endpoint_makes_a_path_style_store_allowing_http() -> None:
    store = s3_store(
        "source-bucket",
        environment={"AWS_ENDPOINT_URL": "http://127.0.0.1:4566/", "AWS_REGION": "eu-west-1"},
    )
    assert store.config["endpoint"] == "http://127.0.0.1:4566"
    assert store.config["region"] == "eu-west-1"
    assert not flag(store.config["virtual_hosted_style_request"])
    assert store.client_options is not None
    assert flag(store.client_options["allow_http"])
    assert store.retry_config is not None
    assert store.retry_config["max_retries"] == 8


def test_on_aws_the_store_keeps_https_and_obstores_credential_chain() -> None:
    store = s3_store("source-bucket", environment={"AWS_REGION": "eu-central-1"})
    assert "endpoint" not in store.config
    assert store.client_options is not None
    assert not flag(store.client_options["allow_http"])
    assert store.credential_provider is None


def test_frozen_credentials_are_handed_over_once_without_expiry() -> None:
    provider = CredentialProvider(Frozen("AKIA", "secret", None))
    credential = provider()
    assert credential["access_key_id"] == "AKIA"
    assert credential["secret_access_key"] == "secret"
    assert credential["token"] is None
    assert credential["expires_at"] is None


def test_refreshing_credentials_are_asked_again_once_obstore_lets_them_expire() -> None:
    source = Refreshing()
    provider = CredentialProvider(source)
    first, second = provider(), provider()
    assert (first["access_key_id"], second["access_key_id"]) == ("key-1", "key-2")
    assert first["token"] == "session"
    assert first["expires_at"] is not None
    assert first["expires_at"] > datetime.now(UTC)


def test_explicit_credentials_go_to_the_store_as_a_provider() -> None:
    store = s3_store("b", credentials=Frozen("AKIA", "s", None), environment={})
    assert store.credential_provider is not None


def test_an_unsigned_store_reads_path_style_from_a_plain_http_server() -> None:
    store = unsigned_http_store("http://127.0.0.1:8080/", "bench")
    assert flag(store.config["skip_signature"])
    assert store.config["endpoint"] == "http://127.0.0.1:8080"
    assert not flag(store.config["virtual_hosted_style_request"])
    assert store.client_options is not None
    assert flag(store.client_options["allow_http"])
