"""`strongroom faults`: rules read from arguments and files, and shown in a few words."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from strongroom.cli.faults_commands import describe_fault, faults_table, parse_rules

RULE = {
    "service": "s3",
    "operation": "*",
    "principal": "*",
    "error": "5xx",
    "delay_ms": 0,
    "fraction": 0.1,
    "max_faults": None,
    "phase": "before",
}


def test_rules_come_from_objects_lists_and_a_file(tmp_path: Path) -> None:
    listed = tmp_path / "rules.json"
    listed.write_text('[{"service": "sqs", "error": "throttle"}]')

    rules = parse_rules(['{"service": "s3", "error": "5xx"}', '[{"delay_ms": 50}]'], listed)

    assert rules == [
        {"service": "s3", "error": "5xx"},
        {"delay_ms": 50},
        {"service": "sqs", "error": "throttle"},
    ]


def test_a_rule_that_is_not_json_exits_1() -> None:
    with pytest.raises(typer.Exit) as exited:
        parse_rules(["service=s3"], None)

    assert exited.value.exit_code == 1


@pytest.mark.parametrize(
    ("changes", "described"),
    [
        ({}, "5xx 10%"),
        ({"phase": "after", "max_faults": 3}, "5xx after 10% (max 3)"),
        ({"error": None, "delay_ms": 50, "fraction": 1.0}, "50 ms 100%"),
        ({"error": "throttle", "delay_ms": 20, "fraction": 0.25}, "throttle + 20 ms 25%"),
    ],
)
def test_a_rules_fault_in_a_few_words(changes: dict[str, object], described: str) -> None:
    assert describe_fault({**RULE, **changes}) == described


@pytest.mark.parametrize(("principal", "shown"), [("*", False), ("audit_producer", True)])
def test_the_principal_column_shows_when_a_rule_aims_at_one_workload(
    principal: str, shown: bool
) -> None:
    counted = {**RULE, "principal": principal, "seen": 1, "retries": 0, "faulted": 1, "delayed": 0}

    table = faults_table({"seed": 1, "rules": [counted]})

    cells = {str(column.header): list(column.cells) for column in table.columns}
    assert cells.get("principal") == ([principal] if shown else None)
    assert cells["fault"] == ["5xx 10%"]
