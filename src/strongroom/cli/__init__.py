"""The ``strongroom`` command."""

from strongroom.cli.app import app

__all__ = ["app"]
