"""``strongroom notifications``: what the running stack's SNS topics delivered."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

import typer
from rich.table import Table

from strongroom.cli.common import DEFAULT_STATE, StateDirOption, console, control


def topic_name(topic_arn: str) -> str:
    """The last part of an SNS topic ARN (the whole value when it is not an ARN)."""
    return topic_arn.rsplit(":", 1)[-1]


def readable_message(message: str) -> str:
    """A JSON message indented for reading; any other message as it was published."""
    try:
        document = json.loads(message)
    except ValueError:
        return message
    if not isinstance(document, dict | list):
        return message
    return json.dumps(document, indent=2, ensure_ascii=False)


def notifications_path(topic_arn: str | None) -> str:
    return "/notifications" if topic_arn is None else f"/notifications?topic={quote(topic_arn)}"


def notifications_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="SNS deliveries")
    table.add_column("topic", overflow="fold")
    table.add_column("subject")
    table.add_column("message id", overflow="fold")  # folded, not cut: ids get copied
    table.add_column("message")
    for row in rows:
        table.add_row(
            topic_name(row["topic_arn"]),
            row["subject"] or "-",
            row["message_id"],
            readable_message(row["message"]),
        )
    return table


def notifications(
    topic: Annotated[
        str | None, typer.Option("--topic", metavar="ARN", help="Only this topic's messages.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Every message published to the local stack's SNS topics, in publish order per topic."""
    rows = control(state_dir, "GET", notifications_path(topic))
    if as_json:
        console.print_json(data=rows)
        return
    if not rows:
        console.print("No SNS messages delivered yet.")
        return
    console.print(notifications_table(rows))


def register(app: typer.Typer) -> None:
    app.command()(notifications)
