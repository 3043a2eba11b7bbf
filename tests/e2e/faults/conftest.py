"""Fault scenarios on the e2e session's stack: rules set through the control endpoint, as
`strongroom faults set` does, and cleared after each scenario whatever happens."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from strongroom.local.control_client import call
from strongroom.local.endpoints import Endpoints

SetFaults = Callable[[int, list[dict[str, Any]]], None]


@pytest.fixture
def faults(endpoints: Endpoints) -> Iterator[SetFaults]:
    """``faults(seed, rules)`` puts the rules in force until the end of the test."""

    def put(seed: int, rules: list[dict[str, Any]]) -> None:
        call(endpoints, "POST", "/faults", {"seed": seed, "rules": rules})

    yield put
    call(endpoints, "DELETE", "/faults")


def counters(endpoints: Endpoints) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = call(endpoints, "GET", "/faults")["rules"]
    return rules


def report(scenario: str, figures: dict[str, Any]) -> None:
    """The scenario's figures, one JSON line (``pytest -s`` shows it; docs/security.md#faults)."""
    print(f"\nfault scenario {scenario}: {json.dumps(figures, sort_keys=True)}")
