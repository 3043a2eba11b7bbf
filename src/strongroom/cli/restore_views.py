"""Restore requests for a person: tables from the API's JSON, refusals in sentences, exit codes.

Every function takes plain data (a ``POST /restore`` or ``GET /restores/{restore_id}`` body, or
an error body), so every command shows restores the same way; nothing here calls AWS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.progress import TaskID
from rich.table import Table
from rich.text import Text

from strongroom.cli.archive_options import api_error_message
from strongroom.cli.archive_watch import CountBars

RestoreBody = Mapping[str, Any]
FINAL_STATUSES = frozenset({"COMPLETED", "PARTIAL", "FAILED"})
EXIT_COMPLETED = 0
EXIT_NOT_COMPLETED = 1
EXIT_TIMED_OUT = 2
STYLES = {
    "COMPLETED": "bold green",
    "RESTORED": "green",
    "PARTIAL": "bold yellow",
    "FAILED": "bold red",
}
RESTORE_OPTIONS = {
    "project_name": "PROJECT",
    "filename": "NAMES",
    "files": "NAMES",
    "prefix": "--prefix",
    "bucket_name": "--bucket",
    "retrieval_tier": "--tier",
    "region": "--region",
    "account": "--account",
    "sns_topic_arn": "--topic",
}
"""Each ``POST /restore`` field and the ``strongroom restore request`` option it comes from."""


def is_final(body: RestoreBody) -> bool:
    """Every file is RESTORED or FAILED: nothing more will happen to the request's files."""
    return body.get("status") in FINAL_STATUSES


def restore_exit_code(status: str, *, timed_out: bool = False) -> int:
    """0 COMPLETED; 1 PARTIAL or FAILED; 2 still open when the wait ran out; 0 still open and
    nobody waited (the request goes on: it is not a failure yet)."""
    if status == "COMPLETED":
        return EXIT_COMPLETED
    if status in FINAL_STATUSES:
        return EXIT_NOT_COMPLETED
    return EXIT_TIMED_OUT if timed_out else EXIT_COMPLETED


def status_text(status: str) -> Text:
    return Text(status, style=STYLES.get(status, "bold yellow"))


def files_table(files: Sequence[Mapping[str, Any]], *, title: str = "files") -> Table:
    """One row per requested file: what was asked, which file it is, how far it got."""
    table = Table(title=f"{title} ({len(files):,})")
    table.add_column("requested", overflow="fold")
    table.add_column("source", overflow="fold")
    table.add_column("state", no_wrap=True)
    table.add_column("location or error", overflow="fold")
    for file in files:
        state = str(file.get("state", "?"))
        error = file.get("error")
        where = Text(str(error), style="red") if error else Text(str(file.get("location") or "-"))
        table.add_row(
            str(file.get("requested", "")),
            str(file.get("source", "")),
            Text(state, style=STYLES.get(state, "yellow")),
            where,
        )
    return table


def counts_line(counts: Mapping[str, Any]) -> str:
    """``2 of 3 restored, 1 failed, 0 restoring, 0 pending``."""

    def number(name: str) -> int:
        return int(counts.get(name, 0))

    return (
        f"{number('restored'):,} of {number('total'):,} restored, {number('failed'):,} failed, "
        f"{number('restoring'):,} restoring, {number('pending'):,} pending"
    )


def notification_line(notification: Mapping[str, Any] | None) -> str:
    """Whether the one SNS message went out, and its message id."""
    if not notification:
        return "not sent yet (sent once every file is restored or failed)"
    if notification.get("state") == "SENT":
        return f"SENT, message id {notification.get('message_id')} at {notification.get('sent_at')}"
    return f"{notification.get('state', '?')} since {notification.get('claimed_at')}"


def accepted_report(body: RestoreBody) -> RenderableType:
    """The ``POST /restore`` answer: the id to follow and the files it resolved to."""
    return _request_report(
        body,
        ("retrieval tier", str(body.get("retrieval_tier", ""))),
        ("status url", str(body.get("status_url", ""))),
    )


def restore_report(body: RestoreBody) -> RenderableType:
    """A ``GET /restores/{restore_id}`` body: status, counts, notification, then every file."""
    return _request_report(
        body,
        ("project", str(body.get("project", ""))),
        ("retrieval tier", str(body.get("retrieval_tier", ""))),
        ("files", counts_line(body.get("counts", {}))),
        ("notify", str(body.get("sns_topic_arn", ""))),
        ("notification", notification_line(body.get("notification"))),
        ("created", str(body.get("created_at", ""))),
    )


def _request_report(body: RestoreBody, *rows: tuple[str, str]) -> RenderableType:
    """The restore id and status, then ``rows``, over the table of every file."""
    summary = Table(title="restore request", show_header=False)
    summary.add_column("field", style="bold", no_wrap=True)
    summary.add_column("value", overflow="fold")
    summary.add_row("restore id", str(body.get("restore_id", "?")))
    summary.add_row("status", status_text(str(body.get("status", "?"))))
    for field, value in rows:
        summary.add_row(field, value)
    return Group(summary, files_table(list(body.get("files", []))))


def restore_error_message(status: int, body: Any) -> str:
    """What the API refused and what to change, one line per thing it listed."""
    lines = [
        api_error_message(
            status,
            body,
            options=RESTORE_OPTIONS,
            scopes="deep_archive/restore to request restores, deep_archive/read to read them",
        )
    ]
    if isinstance(body, dict):
        lines.extend(_listed(body))
    return "\n".join(lines)


def _listed(body: Mapping[str, Any]) -> list[str]:
    """The names, matches, tiers or topics a refusal lists, each on its own line."""
    lines: list[str] = []
    unknown = body.get("unknown")
    if isinstance(unknown, list) and unknown:
        lines.append(f"not archived in project {body.get('project')!r}:")
        lines.extend(f"  {name}" for name in unknown)
    matches = body.get("matches")
    if isinstance(matches, dict) and matches:
        for name, keys in matches.items():
            lines.append(f"{name!r} matches {len(keys)} archived files, name one by its key:")
            lines.extend(f"  {key}" for key in keys)
    allowed = body.get("allowed")
    if isinstance(allowed, list) and body.get("field") == "retrieval_tier":
        where = f" for {body['storage_class']} archives" if body.get("storage_class") else ""
        lines.append(f"--tier{where}: one of {', '.join(map(str, allowed))}")
    registered = body.get("registered")
    if isinstance(registered, list) and body.get("field") == "sns_topic_arn":
        lines.append(
            "--topic: one of " + ", ".join(map(str, registered))
            if registered
            else "--topic: the project registered no topic "
            "(strongroom archive project put --notify-topic)"
        )
    return lines


class RestoreProgress(CountBars):
    """One bar: files restored or failed, of the files requested."""

    def __init__(self, console: Console) -> None:
        super().__init__(console, "[bold]files final")
        self.files: TaskID = self.progress.add_task("files", total=None, status="")

    def update(self, body: RestoreBody) -> None:
        counts = body.get("counts", {})
        self.progress.update(
            self.files,
            completed=int(counts.get("restored", 0)) + int(counts.get("failed", 0)),
            total=int(counts.get("total", 0)) or None,
            status=str(body.get("status", "?")),
        )
