"""``strongroom audit history KEY``: one configuration item's audit trail, newest first."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from botocore.exceptions import EndpointConnectionError
from rich.table import Table

from strongroom.cli.common import DEFAULT_STATE, StateDirOption, console, fail, named_or_local
from strongroom.config_audit.public import AuditEntry, DynamoDBAuditStore
from strongroom.core.dynamodb_json import to_plain

app = typer.Typer(help="Read the configuration audit trail.", no_args_is_help=True)


def seed_format(entry: AuditEntry) -> dict[str, Any]:
    """An entry as the seed documents it, values shown as plain JSON."""
    shown: dict[str, Any] = {
        "id": entry.id,
        "itemKey": entry.item_key,
        "modificationTime": entry.modification_time,
    }
    if entry.updated_attribute is not None:
        shown["updatedAttribute"] = entry.updated_attribute
    if entry.old_value is not None:
        shown["oldValue"] = to_plain(dict(entry.old_value))
    if entry.new_value is not None:
        shown["newValue"] = to_plain(dict(entry.new_value))
    return shown


def history_table(item_key: str, entries: list[AuditEntry]) -> Table:
    table = Table(title=item_key)
    table.add_column("modificationTime", no_wrap=True, min_width=24)
    table.add_column("change", no_wrap=True)
    table.add_column("attribute")
    table.add_column("old value", overflow="fold")
    table.add_column("new value", overflow="fold")
    for entry in entries:
        if entry.updated_attribute is not None:
            change = "MODIFY"
        elif entry.old_value is None:
            change = "INSERT"
        else:
            change = "REMOVE"
        table.add_row(
            entry.modification_time,
            change,
            entry.updated_attribute or "",
            _shown(entry.old_value),
            _shown(entry.new_value),
        )
    return table


def _shown(value: Any) -> str:
    return "" if value is None else json.dumps(to_plain(dict(value)), sort_keys=True)


@app.command("history")
def history(
    key: Annotated[str, typer.Argument(help="The configuration item's key, e.g. CACHE_TTL_SEC.")],
    table_name: Annotated[
        str | None,
        typer.Option(
            help="Audit table on AWS; without it the running local stack's table is used."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print entries in the seed's JSON.")
    ] = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Print one item's audit trail, newest first."""
    table_name, client = named_or_local(
        table_name, state_dir, system="config_audit", output="AuditTableName", service="dynamodb"
    )
    try:
        entries = DynamoDBAuditStore(table_name, client).history(key)
    except EndpointConnectionError as error:
        raise fail(f"{error}: is `strongroom up` running?") from error
    if not entries:
        raise fail(f"no audit entries for {key!r} in {table_name}")
    if as_json:
        console.print_json(data=[seed_format(entry) for entry in entries])
    else:
        console.print(history_table(key, entries))
