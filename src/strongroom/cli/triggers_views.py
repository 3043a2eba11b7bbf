"""Rich renderings for ``strongroom triggers``: runs per day, failed clients, archived objects.

Every function takes plain data and returns a renderable or JSON-ready data; nothing here calls
AWS or prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.json import JSON
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from strongroom.cli.triggers_invoke import DayRun
from strongroom.cli.triggers_store import ArchivedObject, ArchivedResponse

SHA_SHOWN = 16
COUNTS = ("archived", "unchanged", "changed", "failed", "not attempted")


def status_text(run: DayRun) -> Text:
    """What a day's invocation came to, in words a reader does not have to look up."""
    if run.status_code is None:
        return Text("invocation failed", style="bold red")
    if run.status_code == 200:
        return Text("200 all archived", style="bold green")
    if run.status_code == 207:
        return Text("207 some clients failed", style="bold yellow")
    return Text(f"{run.status_code} refused", style="bold red")


def day_counts(body: dict[str, Any] | Any) -> dict[str, int] | None:
    """archived / unchanged / changed / failed / not attempted from a result body; ``None``
    when the body is not a result (a failed or refused invocation)."""
    try:
        successful = int(body["successful_archives"])
        unchanged, changed = int(body["unchanged"]), int(body["changed"])
        return {
            "total": int(body["total_clients"]),
            "archived": successful - unchanged - changed,
            "unchanged": unchanged,
            "changed": changed,
            "failed": int(body["failed_archives"]),
            "not attempted": int(body["not_attempted"]),
        }
    except (KeyError, TypeError, ValueError):
        return None


def runs_table(runs: Sequence[DayRun]) -> Table:
    """One row per day: status, clients, outcomes, the function's duration."""
    table = Table("date", "status", title="trigger archive runs")
    for name in ("total", *COUNTS, "duration"):
        table.add_column(name, justify="right")
    for run in runs:
        counts = day_counts(run.body)
        cells = [str(counts[name]) if counts else "-" for name in ("total", *COUNTS)]
        duration = run.body.get("duration_s") if counts else None
        seconds = float(duration) if isinstance(duration, int | float) else run.seconds
        table.add_row(run.day, status_text(run), *cells, f"{seconds:.1f} s")
    return table


def client_errors_table(runs: Sequence[DayRun]) -> Table | None:
    """Every failed client of every day (the function's ``errors``); ``None`` when none."""
    table = Table("date", "client id", "name", "error", title="failed clients")
    for run in runs:
        for error in run.body.get("errors", []) if run.status_code in (200, 207) else []:
            table.add_row(
                run.day,
                str(error.get("client_id")),
                escape(str(error.get("client_name"))),
                escape(str(error.get("error"))),
            )
    return table if table.row_count else None


def invocation_errors_table(runs: Sequence[DayRun]) -> Table | None:
    """Every day whose invocation failed or was refused, with Lambda's (or the function's)
    message; ``None`` when none."""
    table = Table("date", "error", title="failed invocations", title_style="bold red")
    for run in runs:
        if run.error_message:
            table.add_row(run.day, escape(run.error_message))
    return table if table.row_count else None


def run_report(runs: Sequence[DayRun]) -> RenderableType:
    """The runs, then what failed: clients, and whole invocations."""
    parts: list[RenderableType] = [runs_table(runs)]
    parts.extend(
        part
        for part in (client_errors_table(runs), invocation_errors_table(runs))
        if part is not None
    )
    return Group(*parts)


def short_sha(sha256: str | None) -> str:
    if not sha256:
        return "-"
    return sha256 if len(sha256) <= SHA_SHOWN else sha256[:SHA_SHOWN] + "…"


def objects_table(day: str, objects: Sequence[ArchivedObject]) -> Table:
    headers = ("client id", "key", "size", "versions", "last modified (UTC)", "sha256")
    table = Table(*headers, title=f"archived trigger responses for {day}")
    for item in objects:
        table.add_row(
            str(item.client_id),
            item.key,
            f"{item.size:,} B",
            str(item.versions),
            _when(item.last_modified),
            short_sha(item.sha256),
        )
    return table


def objects_json(objects: Sequence[ArchivedObject]) -> list[dict[str, Any]]:
    return [
        {
            "client_id": item.client_id,
            "key": item.key,
            "size": item.size,
            "versions": item.versions,
            "last_modified": item.last_modified.isoformat(),
            "sha256": item.sha256,
        }
        for item in objects
    ]


def response_json(response: ArchivedResponse) -> dict[str, Any]:
    meta = response.metadata
    body = response.parsed_body()
    return {
        "bucket": response.bucket,
        "key": response.key,
        "client_id": meta.get("client-id"),
        "trigger_date": meta.get("trigger-date"),
        "archived_at": meta.get("archived-at"),
        "sha256": meta.get("sha256"),
        "version_id": response.version_id,
        "size": response.size,
        "content_type": response.content_type,
        "versions": [
            {
                "version_id": version.version_id,
                "last_modified": version.last_modified.isoformat(),
                "size": version.size,
                "is_latest": version.is_latest,
            }
            for version in response.versions
        ],
        "body": body if body is not None else response.body.decode(errors="replace"),
    }


def response_view(response: ArchivedResponse) -> RenderableType:
    """The object's metadata, its versions and its body pretty-printed."""
    facts = response_json(response)
    about = Table.grid(padding=(0, 2))
    about.add_column(style="bold")
    about.add_column()
    for name in ("key", "client_id", "trigger_date", "archived_at", "sha256", "version_id"):
        about.add_row(name.replace("_", " "), escape(str(facts[name] or "-")))
    about.add_row("size", f"{response.size:,} B ({response.content_type or 'no content type'})")
    versions = Table("version id", "last modified (UTC)", "size", "", title="versions")
    for version in response.versions:
        current = "current" if version.is_latest else ""
        shown = "shown" if version.version_id == response.version_id else ""
        versions.add_row(
            version.version_id,
            _when(version.last_modified),
            f"{version.size:,} B",
            ", ".join(word for word in (current, shown) if word),
        )
    parsed = response.parsed_body()
    body: RenderableType = (
        JSON.from_data(parsed)
        if parsed is not None
        else Text(response.body.decode(errors="replace"))
    )
    return Group(about, versions, Text("body", style="bold"), body)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
