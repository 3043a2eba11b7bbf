"""Turns ``strongroom archive`` options into the deep_archive models, and errors into sentences.

Options are checked by the same pydantic models the API and the jobs use, so the CLI and the
service agree on every limit; a validation error names the option the user typed, not the
model's field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from strongroom.deep_archive.public import (
    DEFAULT_ARCHIVE_SIZE_MB,
    DEFAULT_FILE_COUNT,
    ArchiveRequest,
    EstimateOptions,
    InventoryOptions,
    MonthlySchedule,
    Project,
    UniformObjects,
)

PROJECT_OPTIONS = {
    "name": "NAME",
    "bucket": "--source-bucket",
    "prefixes": "--prefix",
    "output_prefix": "--output-prefix",
    "storage_class": "--storage-class",
    "file_count": "--file-count",
    "archive_size_mb": "--archive-size",
    "period_format": "--period-format",
    "notification_topic_arns": "--notify-topic",
}
SUBMIT_OPTIONS = {
    "project_name": "--project",
    "bucket_name": "--bucket",
    "prefix": "--prefix",
    "file_count": "--file-count",
    "archive_size": "--archive-size",
    "storage_class": "--storage-class",
    "output_prefix": "--output-prefix",
    "expected_files": "--expected-files",
    "expected_bytes": "--expected-bytes",
    "workers": "--workers",
}
ESTIMATE_OPTIONS = {
    "bucket": "--bucket",
    "prefix": "--prefix",
    "storage_class": "--storage-class",
    "file_count": "--file-count",
    "archive_size_mb": "--archive-size",
}
INVENTORY_OPTIONS = {
    "storage_class": "--storage-class",
    "file_count": "--file-count",
    "archive_size_mb": "--archive-size",
    "key_bytes": "--key-bytes",
    "catalog": "--catalog",
}
M = TypeVar("M", bound=BaseModel)
# A month, the next one and the same month a year later: a period format tells all three apart.
_PROBE_MONTHS = (date(2025, 1, 1), date(2025, 2, 1), date(2026, 1, 1))


class OptionError(ValueError):
    """Options that cannot make a valid request; the message names each offending option."""


@dataclass(frozen=True, slots=True)
class ProjectOptions:
    name: str
    source_bucket: str
    prefixes: Sequence[str]
    output_prefix: str = ""
    storage_class: str = "DEEP_ARCHIVE"
    file_count: int = DEFAULT_FILE_COUNT
    archive_size_mb: int = DEFAULT_ARCHIVE_SIZE_MB
    schedule: bool = False
    period_format: str | None = None
    notify_topics: Sequence[str] = ()


def build_project(options: ProjectOptions) -> Project:
    """The Project the options describe; OptionError naming the options that break a rule."""
    if options.period_format is not None and not options.schedule:
        raise OptionError("--period-format only applies with --schedule")
    schedule: dict[str, Any] | None = None
    if options.schedule:
        schedule = {"enabled": True}
        if options.period_format is not None:
            schedule["period_format"] = options.period_format
    values = {
        "name": options.name,
        "sources": [{"bucket": options.source_bucket, "prefixes": list(options.prefixes)}],
        "output_prefix": options.output_prefix,
        "storage_class": options.storage_class,
        "file_count": options.file_count,
        "archive_size_mb": options.archive_size_mb,
        "schedule": schedule,
        "notification_topic_arns": list(options.notify_topics),
    }
    project = validated(Project, values, PROJECT_OPTIONS)
    if project.schedule is not None:
        check_period_format(project.schedule)
    return project


def check_period_format(schedule: MonthlySchedule) -> None:
    """A format the monthly run can use: it formats, and names both the year and the month.

    The model accepts any string; a bad one would only fail on the 10th, in the scheduled run.
    """
    try:
        month, next_month, next_year = (schedule.period_prefix(when) for when in _PROBE_MONTHS)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as error:
        raise OptionError(
            f"--period-format {schedule.period_format!r} does not format a month ({error!r}); "
            "use {year} and {month}, e.g. '{year:04d}{month:02d}'"
        ) from error
    if month in (next_month, next_year):
        raise OptionError(
            f"--period-format {schedule.period_format!r} must include both {{year}} and "
            "{month}: otherwise different months archive the same prefix"
        )


def archive_request_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /archive`` body for the options given (None: left to the project).

    Checked with the API's own request model first, so bad options fail before any call.
    """
    given = {field: value for field, value in values.items() if value is not None}
    request = validated(ArchiveRequest, given, SUBMIT_OPTIONS)
    return request.model_dump(mode="json", exclude_unset=True)


def build_estimate_options(values: Mapping[str, Any]) -> EstimateOptions:
    return validated(EstimateOptions, values, ESTIMATE_OPTIONS)


def build_inventory_options(values: Mapping[str, Any]) -> InventoryOptions:
    return validated(InventoryOptions, values, INVENTORY_OPTIONS)


def build_uniform_objects(values: Mapping[str, Any]) -> UniformObjects:
    return validated(UniformObjects, values, {"objects": "--objects", "size": "--size"})


def validated(model: type[M], values: Mapping[str, Any], options: Mapping[str, str]) -> M:
    try:
        return model.model_validate(dict(values))
    except ValidationError as error:
        raise OptionError(validation_message(error, options)) from error


def validation_message(error: ValidationError, options: Mapping[str, str]) -> str:
    """``--file-count: Input should be greater than or equal to 1 (given 0)``, one per problem."""
    problems = []
    for problem in error.errors():
        name = option_name(problem["loc"], options)
        given = problem.get("input")
        shown = f" (given {given!r})" if isinstance(given, str | int) else ""
        problems.append(f"{name}: {problem['msg']}{shown}")
    return "; ".join(problems)


def option_name(location: Sequence[str | int], options: Mapping[str, str]) -> str:
    """The option for a validation error's location: its innermost field that is an option."""
    for part in reversed(location):
        if isinstance(part, str) and part in options:
            return options[part]
    return ".".join(str(part) for part in location) or "options"


def api_error_message(
    status: int,
    body: Any,
    *,
    options: Mapping[str, str] = SUBMIT_OPTIONS,
    scopes: str = (
        "deep_archive/archive to submit (with deep_archive/delete for --delete-source), "
        "deep_archive/read to read jobs"
    ),
) -> str:
    """What the API said, for a person: ``HTTP 403: project 'x' is not registered``; a 422
    names the ``options`` to change, a gateway refusal the ``scopes`` the token needs."""
    if status == 422 and isinstance(body, dict) and isinstance(body.get("detail"), list):
        return f"HTTP 422: invalid request: {invalid_fields(body['detail'], options)}"
    message = _message(body)
    if status in (401, 403) and message in ("Unauthorized", "Forbidden"):
        # The gateway's own refusal: no token, a bad one, or one without the route's scope.
        return f"HTTP {status}: {message}: the token was refused (it needs scope {scopes})"
    extra = []
    if isinstance(body, dict):
        if isinstance(body.get("reason"), str) and body["reason"] not in message:
            extra.append(f"reason: {body['reason']}")
        if status == 409 and isinstance(body.get("job_id"), str):
            extra.append(f"follow it with: strongroom archive status {body['job_id']}")
    return "; ".join([f"HTTP {status}: {message}", *extra])


def invalid_fields(details: Sequence[Any], options: Mapping[str, str]) -> str:
    """A 422's details as ``option (body.field): message [rule]``, one per problem."""
    problems = []
    for detail in details:
        if not isinstance(detail, dict):
            problems.append(str(detail))
            continue
        location = [part for part in detail.get("loc", []) if isinstance(part, str | int)]
        where = ".".join(str(part) for part in location) or "request"
        option = option_name(location, options)
        named = where if option == where else f"{option} ({where})"
        rule, text = detail.get("type"), detail.get("msg")
        if text and rule:
            problems.append(f"{named}: {text} [{rule}]")
        else:
            problems.append(f"{named}: {text or rule or 'invalid'}")
    return "; ".join(problems)


def _message(body: Any) -> str:
    if isinstance(body, dict):
        for field in ("message", "detail"):
            value = body.get(field)
            if isinstance(value, str):
                return value
    if isinstance(body, str) and body:
        return body
    return "no message" if body is None else str(body)
