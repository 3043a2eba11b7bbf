"""How a Batch container's command and environment become a local process's."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence

_PARAMETER = re.compile(r"Ref::([A-Za-z0-9_-]+)")
_PYTHONS = {"python", "python3", "python3.11", "python3.12", "python3.13"}


def substitute_parameters(command: Sequence[str], parameters: Mapping[str, str]) -> list[str]:
    """Batch replaces ``Ref::name`` with the parameter's value; unknown names stay as written."""
    return [
        _PARAMETER.sub(lambda match: parameters.get(match.group(1), match.group(0)), argument)
        for argument in command
    ]


def local_argv(command: Sequence[str]) -> list[str]:
    """The image's ``python`` is this interpreter, which has the strongroom package installed."""
    if not command:
        raise ValueError("the job has no command: set Command in the job definition or override it")
    argv = list(command)
    if argv[0] in _PYTHONS:
        argv[0] = sys.executable
    return argv


def pairs_to_environment(pairs: Sequence[Mapping[str, str]] | None) -> dict[str, str]:
    return {pair["name"]: pair["value"] for pair in pairs or []}
