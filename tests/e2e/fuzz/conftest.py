"""What the API fuzz tests share: each system's API URL and the tokens the gateway refuses."""

from __future__ import annotations

import pytest

from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from tests.e2e.fuzz.tokens import refused_tokens


@pytest.fixture(scope="package")
def api_urls(endpoints: Endpoints) -> dict[str, str]:
    return {
        system: str(outputs["ApiUrl"])
        for system, outputs in endpoints.outputs.items()
        if "ApiUrl" in outputs
    }


@pytest.fixture(scope="package")
def refused(local_stack: LocalStack, endpoints: Endpoints) -> dict[str, str | None]:
    assert local_stack.issuer is not None
    return refused_tokens(
        local_stack.issuer,
        local_stack.options.state_dir / "issuer-key.pem",
        endpoints.token,
        endpoints.audience,
    )
