"""Rich renderings for ``strongroom sox``: a run's IPEs, the last run of each IPE.

Every function takes plain data and returns a renderable, a line or JSON-ready data; nothing
here calls AWS or prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from strongroom.cli.sox_invoke import Pg01Answer
from strongroom.sox_evidence.public import RunRecord


def checks_passed(record: RunRecord) -> str:
    """``passed/total`` of a run's checks."""
    return f"{sum(check.passed for check in record.checks)}/{len(record.checks)}"


RESULT_STYLES = {"succeeded": "bold green", "submitted": "bold yellow"}
"""``submitted``: a container IPE handed to Batch; its record comes when the job ends."""


def result_text(status: str) -> Text:
    return Text(status, style=RESULT_STYLES.get(status, "bold red"))


def why_failed(failed_checks: Sequence[str], failure: str | None) -> str:
    """The failed checks by name, or the error when no check ran."""
    if failed_checks:
        return "failed checks: " + ", ".join(failed_checks)
    return failure or ""


def progress_line(record: RunRecord) -> str:
    """One IPE's result as soon as its run record is written (rich markup)."""
    colour = "green" if record.status == "succeeded" else "red"
    line = (
        f"[{colour}]{record.ipe_id} {record.status}[/]: {record.rows:,} rows, "
        f"checks {checks_passed(record)} passed, run {record.run_id}"
    )
    reason = why_failed(record.failed_checks, record.failure)
    return line + (f" ([red]{escape(reason)}[/])" if reason else "")


def run_table(answer: Pg01Answer, records: Mapping[str, RunRecord]) -> Table:
    """One row per IPE the function ran; checks from the run record when it could be read."""
    cutoff = answer.body.get("cutoff_date", "?")
    table = Table(title=f"PG-01 run for cutoff {cutoff}", box=box.SIMPLE_HEAD)
    table.add_column("IPE", no_wrap=True)
    table.add_column("run id", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("checks", justify="right", no_wrap=True)
    table.add_column("failed", overflow="fold")
    for ipe in answer.ipes:
        record = records.get(str(ipe.get("run_id")))
        table.add_row(
            str(ipe.get("ipe_id")),
            str(ipe.get("run_id")),
            result_text(str(ipe.get("status"))),
            f"{int(ipe.get('rows') or 0):,}",
            checks_passed(record) if record is not None else "-",
            escape(why_failed(ipe.get("failed_checks") or [], ipe.get("failure"))),
        )
    return table


def status_table(
    latest: Mapping[str, RunRecord | None],
    cutoff: str | None,
    packages: Mapping[str, str] | None = None,
) -> Table:
    """The last run of each IPE (for ``cutoff`` when given): its id over its start time; with
    ``packages``, whether its evidence package verifies."""
    title = "last PG-01 run of each IPE" + (f" for cutoff {cutoff}" if cutoff else "")
    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column("IPE", no_wrap=True)
    table.add_column("last run (started, UTC)", no_wrap=True)
    table.add_column("cutoff", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("checks", justify="right", no_wrap=True)
    table.add_column("result", overflow="fold", min_width=9)
    if packages is not None:
        table.add_column("package verifies", overflow="fold", min_width=8)
    for ipe_id, record in latest.items():
        verdict = [package_text(packages.get(ipe_id, "none"))] if packages is not None else []
        if record is None:
            table.add_row(ipe_id, "-", "-", "-", "-", Text("no run", style="dim"), *verdict)
            continue
        table.add_row(
            ipe_id,
            f"{record.run_id}\n{record.started_at:%Y-%m-%d %H:%M:%S}",
            record.context.cutoff_date.isoformat(),
            f"{record.rows:,}",
            checks_passed(record),
            _result_with_reason(record),
            *verdict,
        )
    return table


def package_text(verdict: str) -> Text:
    """``yes`` green, ``none`` dim, anything else (``no: <check> at <where>``) red."""
    style = {"yes": "bold green", "none": "dim"}.get(verdict, "bold red")
    return Text(verdict, style=style)


def _result_with_reason(record: RunRecord) -> Text:
    shown = result_text(record.status)
    reason = ", ".join(record.failed_checks) or record.failure
    if reason:
        shown.append("\n" + reason, style="red")
    return shown


def status_json(
    latest: Mapping[str, RunRecord | None], packages: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    rows = _status_rows(latest)
    if packages is not None:
        for row in rows:
            row["package_verifies"] = packages.get(row["ipe_id"], "none")
    return rows


def _status_rows(latest: Mapping[str, RunRecord | None]) -> list[dict[str, Any]]:
    return [
        {"ipe_id": ipe_id, "last_run": None}
        if record is None
        else {
            "ipe_id": ipe_id,
            "last_run": {
                "run_id": record.run_id,
                "started_at": record.started_at.isoformat(),
                "cutoff_date": record.context.cutoff_date.isoformat(),
                "rows": record.rows,
                "checks_passed": sum(check.passed for check in record.checks),
                "checks_total": len(record.checks),
                "status": record.status,
                "failed_checks": record.failed_checks,
                "failure": record.failure,
            },
        }
        for ipe_id, record in latest.items()
    ]
