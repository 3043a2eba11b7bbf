"""What starts a run: the seed's invoke payload, a CLI request, or the monthly schedule.

``{"cutoff_date": "2024-01-01"}`` or ``{}`` (the seed's contract), optionally ``"ipe_ids"``,
``"runs_on"`` and,
from the CLI, ``"trigger": "cli"`` and ``"requester"``. An EventBridge scheduled event starts a
run for the default cutoff. Unknown fields are refused (a misspelt ``cutoff_date`` must not
silently fall back to the default cutoff).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from strongroom.sox_evidence.domain.runs import RunsOn, Trigger


class InvalidRunRequest(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {rule}" for field, rule in problems))
        self.problems = problems


class RunRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cutoff_date: object | None = None
    """Checked by the cutoff rules (domain.cutoff), which name the field in their errors."""
    ipe_ids: tuple[str, ...] | None = Field(default=None, min_length=1)
    trigger: Literal["invoke", "cli"] = "invoke"
    requester: str | None = Field(default=None, min_length=1, max_length=256)
    runs_on: RunsOn | None = None
    """Where the selected IPEs run this time, whatever the catalog says (e.g. an IPE the time
    budget refused, rerun on the container path); the run record says where each ran."""


class ParsedRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    cutoff_date: object | None
    ipe_ids: tuple[str, ...] | None
    trigger: Trigger
    requester: str
    runs_on: RunsOn | None = None


def _is_scheduled(event: dict[str, Any]) -> bool:
    return event.get("detail-type") == "Scheduled Event" or event.get("source") == "aws.events"


def parse_run_request(event: object, invoked_by: str) -> ParsedRequest:
    """``invoked_by`` names the requester when the payload does not (the function's ARN)."""
    if not isinstance(event, dict):
        raise InvalidRunRequest([("event", "must be a JSON object")])
    if _is_scheduled(event):
        resources = event.get("resources") or ["EventBridge schedule"]
        return ParsedRequest(
            cutoff_date=None, ipe_ids=None, trigger="schedule", requester=str(resources[0])
        )
    try:
        request = RunRequest.model_validate(event)
    except ValidationError as error:
        raise InvalidRunRequest(
            [
                (".".join(str(part) for part in problem["loc"]) or "event", problem["msg"])
                for problem in error.errors(include_url=False, include_input=False)
            ]
        ) from None
    return ParsedRequest(
        cutoff_date=request.cutoff_date,
        ipe_ids=request.ipe_ids,
        trigger=request.trigger,
        requester=request.requester or invoked_by,
        runs_on=request.runs_on,
    )
