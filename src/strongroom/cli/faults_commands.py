"""``strongroom faults``: set, show and clear the running local stack's fault mode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from strongroom.cli.common import DEFAULT_STATE, StateDirOption, console, fail, running_stack
from strongroom.local.control_client import ControlError, call

app = typer.Typer(
    help=(
        "Fault mode: answer a fraction of the AWS calls of functions and jobs with throttling, "
        "5xx or access-denied errors, or delay them (the stack's own calls and the CLI's are "
        "never faulted)."
    ),
    no_args_is_help=True,
)
RULE_HELP = (
    'A JSON rule, e.g. \'{"service": "dynamodb", "operation": "PutItem", "error": "throttle", '
    '"fraction": 0.2}\'. Keys: service, operation, principal (a function or Batch job definition '
    "name; default *), error (throttle|5xx|denied), delay_ms, "
    "fraction (default 1), max_faults, phase (before|after: the call took effect, its answer "
    "is lost)."
)


def parse_rules(rules: list[str], rules_file: Path | None) -> list[Any]:
    """Each argument is one JSON rule or a JSON list of rules; the file holds a list."""
    found: list[Any] = []
    texts = [*rules, rules_file.read_text()] if rules_file is not None else list(rules)
    for text in texts:
        try:
            value = json.loads(text)
        except ValueError as error:
            raise fail(f"not a JSON rule: {text!r} ({error})") from error
        found.extend(value if isinstance(value, list) else [value])
    return found


def describe_fault(rule: dict[str, Any]) -> str:
    """``throttle 20%``, ``5xx after 10% (max 3)``, ``50 ms``: a rule's fault in a few words."""
    parts = []
    if rule["error"]:
        parts.append(rule["error"] + (" after" if rule["phase"] == "after" else ""))
    if rule["delay_ms"]:
        parts.append(f"{rule['delay_ms']} ms")
    text = " + ".join(parts) + f" {rule['fraction']:.0%}"
    return text + (f" (max {rule['max_faults']})" if rule["max_faults"] is not None else "")


def faults_table(status: dict[str, Any]) -> Table:
    table = Table(title=f"fault rules (seed {status['seed']})")
    table.add_column("service", no_wrap=True)
    table.add_column("operation", no_wrap=True)
    aimed = any(rule["principal"] != "*" for rule in status["rules"])
    if aimed:
        table.add_column("principal", no_wrap=True)
    table.add_column("fault")
    for column in ("seen", "retries", "faulted", "delayed"):
        table.add_column(column, justify="right")
    for rule in status["rules"]:
        table.add_row(
            rule["service"],
            rule["operation"],
            *([rule["principal"]] if aimed else []),
            describe_fault(rule),
            *(str(rule[name]) for name in ("seen", "retries", "faulted", "delayed")),
        )
    return table


def _control(state_dir: Path, method: str, body: Any = None) -> Any:
    try:
        return call(running_stack(state_dir), method, "/faults", body)
    except ControlError as error:
        raise fail(str(error)) from error


def _print(status: dict[str, Any], as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps(status))
    elif status["rules"]:
        console.print(faults_table(status))
    else:
        console.print("fault mode is off")


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command("set")
def set_faults(
    rules: Annotated[list[str] | None, typer.Argument(metavar="RULE...", help=RULE_HELP)] = None,
    rules_file: Annotated[
        Path | None, typer.Option("--file", exists=True, dir_okay=False, help="A JSON rule list.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same calls faulted.")] = 0,
    as_json: JsonOption = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Replace the fault rules (counters start from zero)."""
    found = parse_rules(rules or [], rules_file)
    if not found:
        raise fail("no rules given: `strongroom faults clear` turns fault mode off")
    _print(_control(state_dir, "POST", {"seed": seed, "rules": found}), as_json)


@app.command("show")
def show(as_json: JsonOption = False, state_dir: StateDirOption = DEFAULT_STATE) -> None:
    """The rules in force and, per rule, calls seen, SDK retries among them, faulted, delayed."""
    _print(_control(state_dir, "GET"), as_json)


@app.command("clear")
def clear(as_json: JsonOption = False, state_dir: StateDirOption = DEFAULT_STATE) -> None:
    """Turn fault mode off; prints the counters the rules ended with."""
    final = _control(state_dir, "DELETE")
    if as_json or final["rules"]:
        _print(final, as_json)
    if not as_json:
        console.print("fault mode is off")
