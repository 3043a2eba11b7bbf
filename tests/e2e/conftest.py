"""One local stack for the whole e2e session: the repository's templates plus a test-only stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from strongroom.local.emulator import LOCAL_CREDENTIALS
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack, StackOptions

FIXTURE_TEMPLATE = Path(__file__).parent / "platform_fixture" / "template.yaml"


@pytest.fixture(scope="session")
def invocation_log() -> list[str]:
    return []


@pytest.fixture(scope="session")
def local_stack(
    tmp_path_factory: pytest.TempPathFactory, invocation_log: list[str]
) -> Iterator[LocalStack]:
    options = StackOptions(
        state_dir=tmp_path_factory.mktemp("strongroom-state"),
        extra_templates=[FIXTURE_TEMPLATE],
        log=invocation_log.append,
        # Archived objects take this long to restore: restores are seen in progress, then done.
        restore_delay_seconds=2.0,
    )
    with LocalStack(options) as stack:
        yield stack


@pytest.fixture(scope="session")
def endpoints(local_stack: LocalStack) -> Endpoints:
    assert local_stack.endpoints is not None
    return local_stack.endpoints


@pytest.fixture(scope="session")
def aws(endpoints: Endpoints) -> Any:
    """A boto3 client factory for the local stack, as any SDK user would build one."""

    def client(service: str) -> Any:
        return boto3.session.Session().client(
            service,  # type: ignore[call-overload]
            endpoint_url=endpoints.aws_endpoint_url,
            region_name=endpoints.region,
            **LOCAL_CREDENTIALS,
        )

    return client
