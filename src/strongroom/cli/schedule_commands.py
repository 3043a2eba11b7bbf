"""``strongroom schedule list | run NAME``: the running stack's schedules."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import typer
from rich.table import Table

from strongroom.cli.common import DEFAULT_STATE, StateDirOption, console, control, fail

app = typer.Typer(help="List the local stack's schedules or fire one now.", no_args_is_help=True)


@app.command("list")
def list_schedules(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Every schedule from the templates, with its time zone and next firing time (UTC)."""
    rows = control(state_dir, "GET", "/schedules")
    if as_json:
        console.print_json(data=rows)
        return
    table = Table("name", "expression", "zone", "function", "enabled", "next (UTC)", "last fired")
    for row in rows:
        table.add_row(
            row["name"],
            row["expression"],
            row["timezone"],
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
    result = control(state_dir, "POST", f"/schedules/{quote(name, safe='')}/run")
    if not result["ok"]:
        raise fail(f"{result['function']} failed: {result['error']}")
    console.print_json(data=result["payload"])
