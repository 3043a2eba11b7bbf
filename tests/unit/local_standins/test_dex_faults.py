"""Which trigger calls meet a fault: deterministic, proportional, retries roll again."""

from __future__ import annotations

from collections import Counter

import pytest

from strongroom.local.standins.dex_faults import Fault, FaultSettings, choose_fault

DATE = "2024-11-27"


def fates(settings: FaultSettings, clients: range, attempt: int = 0) -> list[Fault | None]:
    return [choose_fault(settings, client, DATE, attempt) for client in clients]


def test_without_faults_every_call_succeeds() -> None:
    assert set(fates(FaultSettings(), range(500))) == {None}


def test_the_same_seed_meets_the_same_faults_and_another_seed_others() -> None:
    settings = FaultSettings(rate_limit_fraction=0.2, error_fraction=0.1, seed=7)

    first = fates(settings, range(300))

    assert fates(settings, range(300)) == first
    assert fates(settings.changed({"seed": 8}), range(300)) != first


def test_faults_come_in_the_configured_shares() -> None:
    settings = FaultSettings(rate_limit_fraction=0.2, error_fraction=0.1, retry_after_seconds=3)

    statuses = Counter(fault.status if fault else 200 for fault in fates(settings, range(5000)))

    assert 0.17 < statuses[429] / 5000 < 0.23
    assert 0.07 < (statuses[500] + statuses[503]) / 5000 < 0.13
    assert statuses[500] > 0
    assert statuses[503] > 0


def test_a_rate_limited_call_says_when_to_retry() -> None:
    settings = FaultSettings(rate_limit_fraction=1.0, retry_after_seconds=3)

    assert choose_fault(settings, 1, DATE, 0) == Fault(429, 3, "rate limit exceeded")


def test_a_retry_rolls_again_so_a_retrying_client_gets_through() -> None:
    settings = FaultSettings(rate_limit_fraction=0.5)

    first_tries = fates(settings, range(200), attempt=0)
    second_tries = fates(settings, range(200), attempt=1)

    assert first_tries != second_tries
    assert all(
        any(choose_fault(settings, client, DATE, n) is None for n in range(30))
        for client in range(200)
    )


def test_a_failing_client_fails_every_call_with_500() -> None:
    settings = FaultSettings(failing_client_ids=frozenset({42}))

    assert {choose_fault(settings, 42, DATE, n) for n in range(5)} == {
        Fault(500, reason="client 42 always fails")
    }
    assert choose_fault(settings, 43, DATE, 0) is None


def test_changes_from_json_are_typed_and_merged() -> None:
    settings = FaultSettings(latency_ms=50).changed(
        {"failing_client_ids": [3, "4"], "error_statuses": [503], "retry_after_seconds": "2"}
    )

    assert settings.latency_ms == 50
    assert settings.failing_client_ids == {3, 4}
    assert (settings.error_statuses, settings.retry_after_seconds) == ((503,), 2)
    assert settings.as_json()["failing_client_ids"] == [3, 4]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latency": 5}, "unknown fault setting"),
        ({"rate_limit_fraction": 1.5}, "between 0 and 1"),
        ({"rate_limit_fraction": 0.6, "error_fraction": 0.6}, "must not exceed 1"),
        ({"error_statuses": [404]}, "5xx"),
        ({"latency_ms": -1}, "negative"),
    ],
)
def test_bad_settings_are_refused_naming_the_rule(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultSettings().changed(changes)
