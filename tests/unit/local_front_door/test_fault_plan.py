"""Fault rules: what they cover, which calls they fault (deterministically), what they count."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from strongroom.local.front_door.fault_plan import FaultPlan
from strongroom.local.front_door.fault_rules import FaultConfig, FaultError, FaultRule, chosen


def _plan(*rules: dict[str, object], seed: int = 7) -> FaultPlan:
    return FaultPlan(FaultConfig.model_validate({"seed": seed, "rules": rules}))


def test_the_same_seed_faults_the_same_calls_and_another_seed_others() -> None:
    def pattern(seed: int) -> list[bool]:
        plan = _plan({"service": "dynamodb", "error": "throttle", "fraction": 0.2}, seed=seed)
        return [plan.decide("dynamodb", "PutItem").error is not None for _ in range(500)]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 70 <= sum(pattern(7)) <= 130  # about a fifth of 500


def test_selection_depends_only_on_seed_rule_and_call_number() -> None:
    assert [chosen(1, 0, n, 0.5) for n in range(50)] == [chosen(1, 0, n, 0.5) for n in range(50)]
    assert all(chosen(1, 0, n, 1.0) for n in range(50))
    assert not any(chosen(1, 0, n, 0.0) for n in range(50))


@pytest.mark.parametrize(
    ("service", "operation", "covered"),
    [("dynamodb", "PutItem", True), ("dynamodb", "GetItem", False), ("s3", "PutItem", False)],
)
def test_a_rule_covers_its_service_and_operation(
    service: str, operation: str, covered: bool
) -> None:
    rule = FaultRule(service="dynamodb", operation="PutItem", error=FaultError.THROTTLE)

    assert rule.covers(service, operation) is covered
    assert FaultRule(error=FaultError.SERVER).covers(service, operation)


@pytest.mark.parametrize(
    ("principal", "covered"), [("login_activity-ingest", True), ("login_activity-query", False)]
)
def test_a_rule_with_a_principal_covers_only_that_workload(principal: str, covered: bool) -> None:
    plan = _plan({"principal": "login_activity-ingest", "error": "throttle"})

    decision = plan.decide("dynamodb", "PutItem", principal=principal)

    assert (decision.error is not None) is covered
    assert plan.status()["rules"][0]["seen"] == int(covered)
    assert _plan({"error": "throttle"}).decide("dynamodb", "PutItem", principal="").error


def test_the_first_chosen_error_answers_and_delays_before_it_add_up() -> None:
    plan = _plan(
        {"delay_ms": 30},
        {"service": "s3", "delay_ms": 20},
        {"service": "s3", "operation": "PutObject", "error": "5xx", "phase": "after"},
        {"service": "s3", "error": "throttle"},
    )

    decision = plan.decide("s3", "PutObject", attempt=2)

    assert (decision.delay_ms, decision.error, decision.after) == (50, FaultError.SERVER, True)
    counts = [(r["seen"], r["retries"], r["faulted"], r["delayed"]) for r in plan.status()["rules"]]
    assert counts == [(1, 1, 0, 1), (1, 1, 0, 1), (1, 1, 1, 0), (0, 0, 0, 0)]


def test_max_faults_caps_a_rules_errors() -> None:
    plan = _plan({"service": "sqs", "error": "throttle", "max_faults": 2})

    errors = [plan.decide("sqs", "SendMessage").error for _ in range(5)]

    assert errors == [FaultError.THROTTLE, FaultError.THROTTLE, None, None, None]
    assert plan.status()["rules"][0] | {} == {
        "service": "sqs",
        "operation": "*",
        "principal": "*",
        "error": "throttle",
        "delay_ms": 0,
        "fraction": 1.0,
        "max_faults": 2,
        "phase": "before",
        "seen": 5,
        "retries": 0,
        "faulted": 2,
        "delayed": 0,
    }


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ({"service": "s3"}, "a rule needs an error"),
        ({"error": "teapot"}, "error"),
        ({"error": "5xx", "fraction": 1.5}, "fraction"),
        ({"error": "5xx", "colour": "red"}, "colour"),
        ({"delay_ms": -1}, "delay_ms"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_problem(rule: dict[str, object], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        FaultConfig.model_validate({"rules": [rule]})
