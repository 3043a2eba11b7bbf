"""``strongroom logins send|show``: put a login event on the queue, read a user's services."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError
from rich.table import Table

from strongroom.cli.common import (
    DEFAULT_STATE,
    InsecureOption,
    StateDirOption,
    api_client,
    console,
    fail,
    named_or_local,
)
from strongroom.core.timefmt import iso_millis, utc_now
from strongroom.local.api_client import ApiUnreachableError
from strongroom.login_activity.public import LoginEvent

SYSTEM = "login_activity"

app = typer.Typer(help="Send login events and query who used which service.", no_args_is_help=True)


@app.command("send")
def send(
    user_id: Annotated[str, typer.Argument(help="The user's id, e.g. 123456789.")],
    service_id: Annotated[str, typer.Argument(help="The relying party's id, e.g. abcdef.")],
    service_name: Annotated[
        str | None, typer.Argument(help="The relying party's display name (default: its id).")
    ] = None,
    timestamp: Annotated[
        str | None,
        typer.Option(help="When the login happened, ISO 8601 with a zone (default: now)."),
    ] = None,
    queue_url: Annotated[
        str | None,
        typer.Option(help="Events queue on AWS; without it the running local stack's queue."),
    ] = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Put one well-formed login event (the seed's body) on the events queue."""
    body = {
        "user_id": user_id,
        "service_id": service_id,
        "service_name": service_id if service_name is None else service_name,
        "timestamp": timestamp or iso_millis(utc_now()),
    }
    try:
        LoginEvent.model_validate(body)
    except ValidationError as error:
        raise fail(_validation_message(error)) from error
    queue_url, sqs = named_or_local(
        queue_url, state_dir, system=SYSTEM, output="EventsQueueUrl", service="sqs"
    )
    try:
        sent = sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))
    except (BotoCoreError, ClientError) as error:
        raise fail(f"could not send to {queue_url}: {error}") from error
    console.print_json(data=body)
    console.print(f"sent as message {sent['MessageId']}")


@app.command("show")
def show(
    user_id: Annotated[str, typer.Argument(help="The user whose services to list.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the API's JSON (the seed's record shape).")
    ] = False,
    api_url: Annotated[
        str | None,
        typer.Option(help="Query API base URL on AWS; without it the local stack's API."),
    ] = None,
    insecure: InsecureOption = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Call GET /users/{user_id}/services and print the services, newest first."""
    client = api_client(
        api_url, state_dir, system=SYSTEM, scopes="scope login_activity/read", insecure=insecure
    )
    try:
        answer = client.get("users", user_id, "services")
    except ApiUnreachableError as error:
        raise fail(str(error)) from error
    if answer.status != 200:
        raise fail(f"HTTP {answer.status}: {answer.message}")
    if as_json:
        console.print_json(data=answer.body)
    else:
        console.print(services_table(answer.body))


def services_table(record: dict[str, Any]) -> Table:
    table = Table(title=f"services used by {record['user_id']}, newest first")
    table.add_column("last_accessed", no_wrap=True)
    table.add_column("service_id", no_wrap=True)
    table.add_column("service_name")
    for service in record["services"]:
        table.add_row(service["last_accessed"], service["service_id"], service["service_name"])
    return table


def _validation_message(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'event'}: {problem['msg']}"
        for problem in error.errors()
    )
