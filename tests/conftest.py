"""Every test runs with fake credentials and a fixed region: nothing can reach real AWS."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from strongroom.cli import common

_FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    "POWERTOOLS_METRICS_NAMESPACE": "strongroom-tests",
    "POWERTOOLS_SERVICE_NAME": "strongroom-tests",
    "POWERTOOLS_DEV": "false",
}


# Powertools reads its service name and namespace when a handler module is imported, as on
# Lambda where the environment exists first: give imports made during collection the same.
for _name, _value in _FAKE_AWS.items():
    if _name.startswith("POWERTOOLS_"):
        os.environ.setdefault(_name, _value)


@pytest.fixture(autouse=True)
def _fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in _FAKE_AWS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        if name in os.environ:
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _wide_console() -> Iterator[None]:
    """The commands' console is made once, at import, as wide as the terminal (or COLUMNS) the
    process had then: 80 in an xdist worker, something else in a terminal. Tests read tables at
    one width, whatever the process and the order in which tests import the CLI."""
    width = common.console.width
    common.console.width = 200
    yield
    common.console.width = width


# Machines here are shared and noisy: a slow draw is not a failure, and no example has a deadline.
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("shared-machine")
