"""Rich renderings of deep_archive jobs and cost estimates for the ``strongroom archive`` commands.

Every function takes plain data (the API's JSON, or the rows the cost model gives) and returns
a renderable; nothing here calls AWS or prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from strongroom.deep_archive.public import MIB, JobStatus, Project, SizeBucket, SourceEstimate

ARCHIVES_SHOWN = 20
STATUS_STYLES = {
    JobStatus.SUCCEEDED: "bold green",
    JobStatus.PLANNED: "bold green",
    JobStatus.FAILED: "bold red",
}
HistogramRow = tuple[str, int, int]
"""A size bucket as (label, files, bytes)."""
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_bytes(size: int) -> str:
    """``1.5 MiB``: binary units, as the S3 console and the archive sizes count them."""
    value = float(size)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{size:,} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def archive_size(max_bytes: int) -> str:
    """An archive size limit as it was asked for: in whole MB (MiB) when it is one."""
    if max_bytes > 0 and max_bytes % MIB == 0:
        return f"{max_bytes // MIB:,} MB"
    return human_bytes(max_bytes)


def status_text(status: str) -> Text:
    try:
        style = STATUS_STYLES.get(JobStatus(status), "bold yellow")
    except ValueError:
        style = "bold"
    return Text(status, style=style)


def job_succeeded(body: Mapping[str, Any]) -> bool:
    """Whether a finished job did what was asked: SUCCEEDED, or PLANNED for a dry run."""
    status = body.get("status")
    if status == JobStatus.SUCCEEDED:
        return True
    dry_run = bool(body.get("settings", {}).get("dry_run"))
    return dry_run and status == JobStatus.PLANNED


def job_report(body: Mapping[str, Any], *, with_estimate: bool | None = None) -> RenderableType:
    """A ``GET /jobs/{job_id}`` body: settings, counts, archives written and errors.

    ``with_estimate``: show the cost estimate too; by default only for dry runs, whose
    estimate is their result.
    """
    settings = body.get("settings", {})
    parts: list[RenderableType] = [_summary_table(body), counts_table(body.get("counts", {}))]
    archives = list(body.get("archives", []))
    if archives:
        parts.append(archives_table(archives))
    errors = list(body.get("errors", []))
    if errors or body.get("errors_truncated"):
        parts.append(errors_table(errors, int(body.get("errors_truncated", 0))))
    show_estimate = bool(settings.get("dry_run")) if with_estimate is None else with_estimate
    estimate = body.get("estimate")
    if show_estimate and isinstance(estimate, Mapping):
        parts.append(estimate_report(estimate))
    return Group(*parts)


def _summary_table(body: Mapping[str, Any]) -> Table:
    settings = body.get("settings", {})
    table = Table(title="archive job", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_row("job id", str(body.get("job_id", "?")))
    table.add_row("status", status_text(str(body.get("status", "?"))))
    if body.get("status_reason"):
        table.add_row("reason", str(body["status_reason"]))
    table.add_row("project", str(settings.get("project", "")))
    table.add_row("source", f"s3://{settings.get('bucket', '')}/{settings.get('prefix', '')}")
    table.add_row("storage class", str(settings.get("storage_class", "")))
    table.add_row("output prefix", str(settings.get("output_prefix", "")) or "(none)")
    if "max_files" in settings and "max_bytes" in settings:
        table.add_row(
            "per archive",
            f"at most {settings['max_files']:,} files, {archive_size(settings['max_bytes'])}",
        )
    flags = [
        name
        for name, key in (("dry run", "dry_run"), ("delete source", "delete_source"))
        if settings.get(key)
    ]
    table.add_row("options", ", ".join(flags) or "-")
    table.add_row("workers", str(settings.get("workers", 1)))
    table.add_row("trigger", str(settings.get("trigger", "")))
    table.add_row("created", str(body.get("created_at", "")))
    table.add_row("updated", str(body.get("updated_at", "")))
    return table


def counts_table(counts: Mapping[str, Any]) -> Table:
    """Files and archives: what was listed, planned and done."""

    def number(name: str) -> int:
        return int(counts.get(name, 0))

    table = Table(title="progress")
    table.add_column("")
    table.add_column("files", justify="right")
    table.add_column("bytes", justify="right")
    table.add_row("listed", f"{number('files_listed'):,}", "")
    table.add_row("already archived, unchanged", f"{number('files_skipped_unchanged'):,}", "")
    table.add_row("planned", f"{number('files_planned'):,}", human_bytes(number("bytes_planned")))
    table.add_row(
        "archived", f"{number('files_archived'):,}", human_bytes(number("bytes_archived"))
    )
    table.add_row("failed", f"{number('files_failed'):,}", "")
    table.add_row("sources deleted", f"{number('sources_deleted'):,}", "")
    table.add_row(
        "archives done / planned",
        f"{number('archives_done'):,} / {number('archives_planned'):,}",
        "",
    )
    table.add_row("archive bytes written", "", human_bytes(number("archive_bytes")))
    return table


def archives_table(archives: Sequence[str], *, shown: int = ARCHIVES_SHOWN) -> Table:
    table = Table(title=f"archives written ({len(archives):,})")
    table.add_column("key", overflow="fold")
    for key in archives[:shown]:
        table.add_row(key)
    if len(archives) > shown:
        table.add_row(Text(f"... and {len(archives) - shown:,} more", style="italic"))
    return table


def errors_table(errors: Sequence[str], truncated: int = 0) -> Table:
    table = Table(title=f"errors ({len(errors) + truncated:,})", title_style="bold red")
    table.add_column("error", overflow="fold")
    for error in errors:
        table.add_row(error)
    if truncated:
        table.add_row(Text(f"... and {truncated:,} more not kept", style="italic"))
    return table


def estimate_table(rows: Sequence[Sequence[str]], *, title: str = "cost estimate") -> Table:
    """``CostEstimate.as_rows()`` (or the API's ``estimate.rows``): its first row is the header."""
    if not rows:
        return Table(title=title)
    header, *lines = rows
    table = Table(title=title)
    table.add_column(header[0] or "item")
    for name in header[1:]:
        table.add_column(name, justify="right")
    for line in lines:
        style = "bold" if line[0] in ("one-time total", "monthly total", "verdict") else None
        table.add_row(*line, style=style)
    return table


def histogram_rows(buckets: Iterable[SizeBucket]) -> list[HistogramRow]:
    return [(bucket.label, bucket.count, bucket.total_bytes) for bucket in buckets]


def histogram_table(rows: Iterable[HistogramRow], *, title: str = "object sizes") -> Table:
    """Files and bytes per size bucket, with each bucket's share of the files."""
    listed = list(rows)
    files = sum(count for _, count, _ in listed)
    table = Table(title=title)
    table.add_column("size")
    table.add_column("files", justify="right")
    table.add_column("share", justify="right")
    table.add_column("bytes", justify="right")
    for label, count, size in listed:
        share = f"{count / files:.1%}" if files else "-"
        table.add_row(label, f"{count:,}", share, human_bytes(size))
    table.add_row("total", f"{files:,}", "", human_bytes(sum(size for *_, size in listed)))
    return table


def notes_view(notes: Iterable[str]) -> Text:
    """The estimate's assumptions; unverified prices stand out."""
    text = Text()
    for note in notes:
        style = "yellow" if note.startswith("unverified prices") else "dim"
        text.append(f"- {note}\n", style=style)
    return text


def skipped_view(skipped: Mapping[str, int]) -> Text | None:
    """Objects left out of the archives, counted by reason; None when none were."""
    if not any(skipped.values()):
        return None
    text = Text("left out of the archives:\n", style="bold yellow")
    for reason, count in skipped.items():
        if count:
            text.append(f"- {count:,} objects: {reason}\n", style="yellow")
    return text


def estimate_view(
    rows: Sequence[Sequence[str]],
    histogram: Iterable[HistogramRow],
    notes: Iterable[str],
    skipped: Mapping[str, int] | None = None,
) -> RenderableType:
    """Size histogram, cost table (ending in the verdict), what was left out, then the notes."""
    parts: list[RenderableType] = [histogram_table(histogram), estimate_table(rows)]
    left_out = skipped_view(skipped or {})
    if left_out is not None:
        parts.append(left_out)
    parts.append(notes_view(notes))
    return Group(*parts)


def source_estimate_view(result: SourceEstimate) -> RenderableType:
    """``strongroom archive estimate``'s result, shown as a job's estimate is."""
    skipped = {str(reason): count for reason, count in result.skipped.counts.items()}
    rows, notes = result.cost.as_rows(), result.cost.notes
    return estimate_view(rows, histogram_rows(result.listed.histogram()), notes, skipped)


def estimate_report(report: Mapping[str, Any]) -> RenderableType:
    """A job's ``estimate`` as the planner records it (rows, histogram, notes, skipped)."""
    histogram = [
        (str(bucket.get("label", "")), int(bucket.get("files", 0)), int(bucket.get("bytes", 0)))
        for bucket in report.get("histogram", [])
    ]
    skipped = {
        str(reason): int(entry.get("files", 0))
        for reason, entry in report.get("skipped", {}).items()
        if isinstance(entry, Mapping)
    }
    rows = [[str(cell) for cell in row] for row in report.get("rows", [])]
    return estimate_view(rows, histogram, [str(note) for note in report.get("notes", [])], skipped)


def project_table(project: Project) -> Table:
    """One registered project, field by field."""
    table = Table(title=f"project {project.name}", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_row("sources", _sources(project))
    table.add_row("output prefix", project.output_prefix or "(none)")
    table.add_row("storage class", project.storage_class)
    table.add_row(
        "per archive",
        f"at most {project.file_count:,} files, {project.archive_size_mb:,} MB",
    )
    table.add_row("monthly schedule", _schedule(project))
    table.add_row("notify", "\n".join(project.notification_topic_arns) or "-")
    return table


def projects_table(projects: Iterable[Project]) -> Table:
    table = Table(title="registered projects")
    for column in ("name", "sources", "storage class", "per archive", "schedule", "notify"):
        table.add_column(column, overflow="fold")
    for project in projects:
        table.add_row(
            project.name,
            _sources(project),
            project.storage_class,
            f"{project.file_count:,} files, {project.archive_size_mb:,} MB",
            _schedule(project),
            str(len(project.notification_topic_arns)) if project.notification_topic_arns else "-",
        )
    return table


def _sources(project: Project) -> str:
    return "\n".join(
        f"s3://{source.bucket}/{prefix}" for source in project.sources for prefix in source.prefixes
    )


def _schedule(project: Project) -> str:
    schedule = project.schedule
    if schedule is None or not schedule.enabled:
        return "off"
    return f"10th 03:00 UTC, prefix + {schedule.period_format}"
