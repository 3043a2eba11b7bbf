"""``strongroom schedule list | run NAME``: the running stack's schedules."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import typer
from rich.table import Table

from strongroom.cli.common import DEFAULT_STATE, StateDirOption, console, fail, running_stack
from strongroom.local.control_client import ControlError, call

app = typer.Typer(help="List the local stack's schedules or fire one now.", no_args_is_help=True)


@app.command("list")
def list_schedules(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Every schedule from the templates, with its next firing time (UTC)."""
    endpoints = running_stack(state_dir)
    try:
        rows = call(endpoints, "GET", "/schedules")
    except ControlError as error:
        raise fail(str(error)) from error
    if as_json:
        console.print_json(data=rows)
        return
    table = Table("name", "expression", "function", "enabled", "next (UTC)", "last fired")
    for row in rows:
        table.add_row(
            row["name"],
            row["expression"],
            row["function"],
            str(row["enabled"]),
            str(row["next_fire"] or "-"),
            str(row["last_fired"] or "-"),
        )
    console.print(table)


@app.command("run")
def run_schedule(
    name: Annotated[str, typer.Argument(help="Schedule name as `schedule list` shows it.")],
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Fire one schedule now and show the function's result."""
    endpoints = running_stack(state_dir)
    try:
        result = call(endpoints, "POST", f"/schedules/{quote(name, safe='')}/run")
    except ControlError as error:
        raise fail(str(error)) from error
    if not result["ok"]:
        raise fail(f"{result['function']} failed: {result['error']}")
    console.print_json(data=result["payload"])
