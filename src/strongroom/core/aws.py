"""One place that creates boto3 clients.

Handlers never ask where they run: boto3 reads ``AWS_ENDPOINT_URL`` (set only by the
local stack) and the region from the environment, exactly as it does on AWS.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30
)


@cache
def client(service: str) -> Any:
    """A cached low-level client for ``service`` (one per process, as Lambda reuses it)."""
    return boto3.session.Session().client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]
