"""The rules the ``strongroom sox`` options must meet, and the event and exit codes they give.

Pure: nothing here calls AWS or prints. Every error names the option and the rule it breaks.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from strongroom.sox_evidence.public import InvalidCutoff, catalog, parse_cutoff

EXIT_OK = 0
EXIT_IPE_FAILED = 1
"""Some IPE failed a check or could not be extracted (the function answered 207 or 500)."""
EXIT_FUNCTION_FAILED = 2
"""The invocation failed (FunctionError), was refused (400), or could not be made."""
INTERRUPTED = 130
"""Ctrl-C while waiting (the shell's code); the run goes on in Lambda."""


class SoxOptionError(ValueError):
    """An option breaks a rule; the message names the option."""


def cutoff_option(value: str | None, today: date) -> date | None:
    """``--cutoff`` as a date that has begun (UTC); ``None`` lets the function choose."""
    if value is None:
        return None
    try:
        cutoff = parse_cutoff(value.strip(), "--cutoff")
    except InvalidCutoff as error:
        raise SoxOptionError(str(error)) from None
    if cutoff > today:
        raise SoxOptionError(
            f"--cutoff: {cutoff.isoformat()} is in the future (today is {today.isoformat()} "
            "UTC): an IPE is extracted as of a day that has ended or is ending"
        )
    return cutoff


def ipe_ids(values: Iterable[str] | None) -> tuple[str, ...]:
    """The ``--ipe`` ids in the order given, each once (``ipe_07`` means ``IPE_07``); empty for
    every IPE of the catalog."""
    known = catalog()
    chosen: dict[str, None] = {}
    for value in values or ():
        ipe_id = value.strip().upper()
        if ipe_id not in known:
            raise SoxOptionError(
                f"--ipe: {value!r} is not an IPE of the catalog ({', '.join(sorted(known))})"
            )
        chosen[ipe_id] = None
    return tuple(chosen)


def requester() -> str:
    """Who runs the command, as the run record names them: ``user@host``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a bare container)
        user = "unknown-user"
    return f"{user}@{socket.gethostname()}"


def run_event(cutoff: date | None, ipes: Sequence[str], who: str) -> dict[str, Any]:
    """The function's event: the seed's ``{"cutoff_date": ...}`` (or none: the function's
    default cutoff), ``ipe_ids`` when some were chosen, and the CLI as the trigger."""
    event: dict[str, Any] = {"trigger": "cli", "requester": who}
    if cutoff is not None:
        event["cutoff_date"] = cutoff.isoformat()
    if ipes:
        event["ipe_ids"] = list(ipes)
    return event


def exit_code(status_code: int | None) -> int:
    """0 when every IPE succeeded (200); 1 when some or all failed (207, 500); 2 when the
    invocation failed (``None``) or was refused (400 and anything else)."""
    if status_code == 200:
        return EXIT_OK
    if status_code in (207, 500):
        return EXIT_IPE_FAILED
    return EXIT_FUNCTION_FAILED


def timeout_option(seconds: float) -> float:
    if not seconds > 0:
        raise SoxOptionError(f"--timeout: {seconds} must be more than 0 seconds")
    return seconds
