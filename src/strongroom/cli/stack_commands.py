"""``strongroom up | demo | token | resources``: the local stack from the command line."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from types import FrameType
from typing import Annotated

import typer
from rich.table import Table

from strongroom.cli.common import DEFAULT_STATE, StateDirOption, console, control, running_stack
from strongroom.local.issuer import LocalIssuer
from strongroom.local.s3_restore import DEFAULT_RESTORE_DELAY_SECONDS
from strongroom.local.stack import DEFAULT_REGION, LocalStack, StackOptions

RestoreDelayOption = Annotated[
    float,
    typer.Option(
        "--restore-delay",
        min=0.0,
        metavar="SECONDS",
        help="Seconds an archived object takes to restore locally (AWS: 12-48 h for Deep Archive)",
    ),
]


def _log_line(line: str) -> None:
    stamp = datetime.now(tz=UTC).strftime("%H:%M:%S")
    console.print(f"[dim]{stamp}[/] {line}", highlight=False, soft_wrap=True)


def up(
    state_dir: StateDirOption = DEFAULT_STATE,
    region: Annotated[str, typer.Option(help="Region the emulator reports.")] = DEFAULT_REGION,
    restore_delay: RestoreDelayOption = DEFAULT_RESTORE_DELAY_SECONDS,
) -> None:
    """Start the local stack and keep it running until Ctrl-C or SIGTERM."""
    stopping = threading.Event()

    def request_stop(_signal: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    stack = LocalStack(
        StackOptions(
            state_dir=state_dir,
            region=region,
            log=_log_line,
            restore_delay_seconds=restore_delay,
        )
    )
    try:
        with console.status("Starting the local stack..."):
            endpoints = stack.start()
        table = Table(title="strongroom local stack", show_header=False)
        table.add_row("AWS endpoint", endpoints.aws_endpoint_url)
        table.add_row("region", endpoints.region)
        table.add_row("restore delay", f"{restore_delay:g} s (archived S3 objects)")
        for system, url in endpoints.apis.items():
            table.add_row(f"API {system}", url)
        for name, stand_in in endpoints.standins.items():
            # URLs only: the credentials stay in the owner-only endpoints file
            table.add_row(f"stand-in {name}", stand_in.get("base_url") or stand_in.get("url", ""))
        table.add_row("endpoints file", str(state_dir / "endpoints.json"))
        table.add_row("function logs", str(state_dir / "logs"))
        console.print(table)
        console.print("Ready. Ctrl-C stops.")
        stopping.wait()
    finally:
        console.print("Stopping...")
        stack.stop()


def demo(
    state_dir: StateDirOption = DEFAULT_STATE,
    restore_delay: RestoreDelayOption = DEFAULT_RESTORE_DELAY_SECONDS,
) -> None:
    """Run a narrated scenario through every system on a fresh local stack; exit 1 on failure."""
    from strongroom.demo.runner import run_demo  # noqa: PLC0415 - loads every scenario

    if not run_demo(state_dir / "demo", console, restore_delay_seconds=restore_delay):
        raise typer.Exit(1)


def token(
    scope: Annotated[
        list[str] | None, typer.Option("--scope", "-s", help="Scope to grant (repeat).")
    ] = None,
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 3600,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Print a dev token from the running stack's issuer, for curl and other clients."""
    endpoints = running_stack(state_dir)
    issuer = LocalIssuer.load_or_create(state_dir / "issuer-key.pem", endpoints.issuer)
    print(issuer.mint(audience=endpoints.audience, scopes=scope or [], ttl_seconds=ttl))


def resources(state_dir: StateDirOption = DEFAULT_STATE) -> None:
    """List every resource the running stack provisioned from the templates."""
    rows = control(state_dir, "GET", "/resources")
    table = Table("system", "logical id", "type", "physical id")
    for row in rows:
        table.add_row(row["system"], row["logical_id"], row["type"], row["physical_id"])
    console.print(table)


def register(app: typer.Typer) -> None:
    for command in (up, demo, token, resources):
        app.command()(command)
