"""The rules the ``strongroom triggers`` options must meet, and the events and exit codes they give.

Pure: nothing here calls AWS or prints. Every error names the option and the rule it breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from strongroom.trigger_archive.public import MAX_BACKFILL_DAYS, date_range

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

EXIT_OK = 0
EXIT_CLIENTS_FAILED = 1
"""Some client of some day failed or was not attempted (the function answered 207)."""
EXIT_FUNCTION_FAILED = 2
"""Some day's invocation failed (FunctionError: no client archived, or no client list), the
function refused the event (400), or the function could not be invoked at all."""
INTERRUPTED = 130
"""Ctrl-C while waiting (the shell's code); the invocation under way goes on in Lambda."""


class TriggerOptionError(ValueError):
    """An option breaks a rule; the message names the option."""


def parse_day(option: str, value: str) -> date:
    """``value`` as a calendar date written ``YYYY-MM-DD``, as the function's event wants it."""
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise TriggerOptionError(f"{option}: {value!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TriggerOptionError(f"{option}: {value!r} is not a calendar date") from None


def run_days(day: str | None, first: str | None, last: str | None) -> list[date] | None:
    """The days ``run`` invokes the function for, one invocation each; ``None`` for one
    invocation without a date (the function archives today in its schedule's time zone)."""
    if day is not None and (first is not None or last is not None):
        raise TriggerOptionError("give --date or --from/--to, not both")
    if (first is None) != (last is None):
        given, missing = ("--from", "--to") if first is not None else ("--to", "--from")
        raise TriggerOptionError(f"{given} needs {missing}: a range names its first and last day")
    if day is not None:
        return [parse_day("--date", day)]
    if first is None or last is None:
        return None
    start, end = parse_day("--from", first), parse_day("--to", last)
    if end < start:
        raise TriggerOptionError(f"--to ({end}) is before --from ({start})")
    try:
        return date_range(start, end)
    except ValueError as error:
        raise TriggerOptionError(
            f"--from/--to: {error} (one invocation per day, at most {MAX_BACKFILL_DAYS})"
        ) from error


def client_ids(values: Iterable[int] | None) -> tuple[int, ...]:
    """The ``--client`` ids in the order given, each once; empty for every selected client."""
    chosen: dict[int, None] = {}
    for value in values or ():
        if value < 0:
            raise TriggerOptionError(f"--client: {value} is not a client id (ids are 0 or more)")
        chosen[value] = None
    return tuple(chosen)


def invocation_event(day: date | None, clients: Sequence[int] = ()) -> dict[str, Any]:
    """The function's event: ``{"trigger_date": ...}`` (or ``{}`` for today), plus
    ``"client_ids"`` when some were chosen."""
    event: dict[str, Any] = {}
    if day is not None:
        event["trigger_date"] = day.isoformat()
    if clients:
        event["client_ids"] = list(clients)
    return event


def exit_code(status_codes: Iterable[int | None]) -> int:
    """0 when every day answered 200; 2 when any invocation failed (``None``) or was refused
    (400); else 1 when any day answered 207."""
    codes = list(status_codes)
    if any(code is None or code not in (200, 207) for code in codes):
        return EXIT_FUNCTION_FAILED
    if any(code == 207 for code in codes):
        return EXIT_CLIENTS_FAILED
    return EXIT_OK
