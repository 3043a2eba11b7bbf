"""Function answers built with trigger_archive's own result model, and a text renderer."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from rich.console import Console, RenderableType

from strongroom.cli.triggers_invoke import DayRun
from strongroom.trigger_archive.public import ClientError, RunResult


def rendered(renderable: RenderableType, width: int = 200) -> str:
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def result_body(
    day: date,
    *,
    total: int = 8,
    unchanged: int = 0,
    changed: int = 0,
    errors: list[ClientError] | None = None,
    not_attempted: int = 0,
    duration_s: float = 1.25,
) -> dict[str, Any]:
    """The function's ``body`` as it serialises a :class:`RunResult`."""
    failed = list(errors or [])
    result = RunResult(
        total_clients=total,
        successful_archives=total - len(failed) - not_attempted,
        failed_archives=len(failed),
        errors=failed,
        unchanged=unchanged,
        changed=changed,
        not_attempted=not_attempted,
        trigger_date=day,
        run_id=f"{day:%Y%m%d}T203000Z-request",
        duration_s=duration_s,
    )
    return result.model_dump(mode="json")


def day_run(day: date, status_code: int = 200, **body: Any) -> DayRun:
    return DayRun(day, status_code, result_body(day, **body), seconds=2.0)


def failed_run(day: date | None, message: str) -> DayRun:
    payload = {"errorMessage": message, "errorType": "ArchiveRunFailed", "stackTrace": []}
    return DayRun(day, None, payload, seconds=3.5, function_error="Unhandled")
