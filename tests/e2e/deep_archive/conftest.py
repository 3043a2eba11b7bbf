"""Fixtures every deep_archive e2e test uses: the system's outputs and an API client."""

from __future__ import annotations

import pytest

from strongroom.local.api_client import ApiClient
from strongroom.local.endpoints import Endpoints


@pytest.fixture(scope="module")
def outputs(endpoints: Endpoints) -> dict[str, str]:
    return endpoints.outputs["deep_archive"]


@pytest.fixture(scope="module")
def api(endpoints: Endpoints, outputs: dict[str, str]) -> ApiClient:
    return ApiClient(outputs["ApiUrl"], endpoints.token)
