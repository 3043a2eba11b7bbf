"""``python -m strongroom.cli`` is the ``strongroom`` command."""

from strongroom.cli.app import app

app(prog_name="strongroom")
