"""Assembles the command groups into one typer application."""

from __future__ import annotations

import typer

from strongroom.cli import (
    archive_commands,
    audit_commands,
    faults_commands,
    logins_commands,
    notifications_commands,
    restore_commands,
    schedule_commands,
    sox_commands,
    stack_commands,
    triggers_commands,
)

app = typer.Typer(
    name="strongroom",
    help="Serverless record-keeping systems: run them locally, operate them on AWS.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
stack_commands.register(app)
notifications_commands.register(app)
app.add_typer(schedule_commands.app, name="schedule")
app.add_typer(audit_commands.app, name="audit")
app.add_typer(logins_commands.app, name="logins")
app.add_typer(archive_commands.app, name="archive")
app.add_typer(restore_commands.app, name="restore")
app.add_typer(triggers_commands.app, name="triggers")
app.add_typer(faults_commands.app, name="faults")
app.add_typer(sox_commands.app, name="sox")
