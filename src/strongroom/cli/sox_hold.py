"""``strongroom sox hold``: set, clear or show the legal hold on every object of an evidence
package (every version under ``evidence/<IPE_ID>/<cutoff>/<run_id>/``).

A legal hold keeps a version from being deleted whatever its retention, until it is cleared
(``s3:PutObjectLegalHold``); it neither shortens nor replaces the COMPLIANCE retention the
package was written with. Locally the evidence bucket is the running stack's; on AWS name it
with ``--bucket``. Exit 0 when every object was set (or shown), 1 otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich import box
from rich.markup import escape
from rich.table import Table

from strongroom.cli.common import (
    DEFAULT_STATE,
    JsonOption,
    StateDirOption,
    console,
    errors,
    fail,
    named_or_local,
)
from strongroom.cli.sox_invoke import SYSTEM
from strongroom.sox_evidence.public import (
    RUN_ID_PATTERN,
    InvalidCutoff,
    package_prefix,
    packages_prefix,
    parse_cutoff,
)

_IPE_ID = re.compile(r"^[A-Z][A-Z0-9_]*$")


class HoldOptionError(ValueError):
    """An argument or option breaks a rule; the message names it."""


@dataclass(frozen=True)
class PackageObject:
    """One version of one object of the package, with its lock as S3 reports it."""

    name: str
    """Its key under the package prefix."""
    version_id: str
    retention_mode: str | None
    retain_until: datetime | None
    legal_hold: str


def hold(
    ipe_id: Annotated[str, typer.Argument(metavar="IPE_ID", help="The IPE, e.g. IPE_07.")],
    cutoff: Annotated[str, typer.Argument(metavar="CUTOFF", help="The cutoff, YYYY-MM-DD.")],
    run: Annotated[
        str | None,
        typer.Option(
            "--run",
            metavar="ID",
            help="The run's package; default: the latest run of the IPE and cutoff.",
            show_default=False,
        ),
    ] = None,
    on: Annotated[bool, typer.Option("--on", help="Set the legal hold.")] = False,
    off: Annotated[bool, typer.Option("--off", help="Clear the legal hold.")] = False,
    as_json: JsonOption = False,
    bucket: Annotated[
        str | None,
        typer.Option(
            help="Evidence bucket on AWS; without it the running local stack's.",
            show_default=False,
        ),
    ] = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Set (--on) or clear (--off) the legal hold on every object of an evidence package, or,
    with neither, show each object's retention mode, retain-until date and legal hold."""
    try:
        wanted = hold_status(on=on, off=off)
        ipe, day, run_id = package_options(ipe_id, cutoff, run)
    except HoldOptionError as error:
        raise fail(escape(str(error))) from error
    name, s3 = named_or_local(
        bucket, state_dir, system=SYSTEM, output="EvidenceBucketName", service="s3"
    )
    try:
        run_id = run_id or latest_run_id(s3, name, ipe, day)
        if run_id is None:
            where = f"s3://{name}/{packages_prefix(ipe, day)}"
            raise fail(escape(f"no evidence package under {where}"))
        prefix = package_prefix(ipe, day, run_id)
        versions = package_versions(s3, name, prefix)
        if not versions:
            raise fail(escape(f"no evidence package under s3://{name}/{prefix}"))
        refused = set_legal_hold(s3, name, versions, wanted) if wanted else {}
        objects = [lock_state(s3, name, prefix, key, version) for key, version in versions]
    except (BotoCoreError, ClientError) as error:
        where = f"s3://{name}/{packages_prefix(ipe, day)}"
        raise fail(escape(f"could not read {where}: {error}")) from error
    if as_json:
        console.print_json(data=hold_json(name, prefix, run_id, objects))
    else:
        console.print(hold_table(prefix, objects))
    for (key, version), reason in refused.items():
        where = escape(f"{key} ({version}): {reason}")
        errors.print(f"[bold red]legal hold not set[/] on {where}")
    if refused:
        raise typer.Exit(1)


def hold_status(*, on: bool, off: bool) -> str | None:
    """``ON``, ``OFF``, or ``None`` to show the holds."""
    if on and off:
        raise HoldOptionError("--on and --off: give one of them, or neither to show the holds")
    return "ON" if on else "OFF" if off else None


def package_options(ipe_id: str, cutoff: str, run: str | None) -> tuple[str, date, str | None]:
    """The package's IPE (``ipe_07`` means ``IPE_07``), cutoff and run id, each checked."""
    ipe = ipe_id.strip().upper()
    if not _IPE_ID.fullmatch(ipe):
        raise HoldOptionError(f"IPE_ID: {ipe_id!r} is not an IPE id (letters, digits, _)")
    try:
        day = parse_cutoff(cutoff.strip(), "CUTOFF")
    except InvalidCutoff as error:
        raise HoldOptionError(str(error)) from None
    if run is not None and not re.fullmatch(RUN_ID_PATTERN, run.strip()):
        raise HoldOptionError(
            f"--run: {run!r} is not a run id (YYYYMMDDTHHMMSSZ-<8 hex>, as `sox status` shows)"
        )
    return ipe, day, run.strip() if run is not None else None


def latest_run_id(s3: Any, bucket: str, ipe_id: str, cutoff: date) -> str | None:
    """The run id under the IPE and cutoff that sorts last (run ids sort by start time)."""
    prefix = packages_prefix(ipe_id, cutoff)
    runs: list[str] = []
    pages = s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, Prefix=prefix, Delimiter="/"
    )
    for page in pages:
        for common in page.get("CommonPrefixes", []):
            run_id = str(common["Prefix"])[len(prefix) :].rstrip("/")
            if re.fullmatch(RUN_ID_PATTERN, run_id):
                runs.append(run_id)
    return max(runs, default=None)


def package_versions(s3: Any, bucket: str, prefix: str) -> list[tuple[str, str]]:
    """Every version (not delete marker) under ``prefix``: (key, version id), by key."""
    versions: list[tuple[str, str]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        versions += [(item["Key"], item["VersionId"]) for item in page.get("Versions", [])]
    return sorted(versions)


def set_legal_hold(
    s3: Any, bucket: str, versions: list[tuple[str, str]], status: str
) -> dict[tuple[str, str], str]:
    """Set ``status`` on every version; the ones S3 refused, with its reason (the others are
    still set: a hold half applied is reported, not silently left)."""
    refused: dict[tuple[str, str], str] = {}
    for key, version in versions:
        try:
            s3.put_object_legal_hold(
                Bucket=bucket, Key=key, VersionId=version, LegalHold={"Status": status}
            )
        except ClientError as error:
            refused[(key, version)] = str(error)
    return refused


def lock_state(s3: Any, bucket: str, prefix: str, key: str, version: str) -> PackageObject:
    head = s3.head_object(Bucket=bucket, Key=key, VersionId=version)
    return PackageObject(
        name=key[len(prefix) :],
        version_id=version,
        retention_mode=head.get("ObjectLockMode"),
        retain_until=head.get("ObjectLockRetainUntilDate"),
        legal_hold=head.get("ObjectLockLegalHoldStatus") or "OFF",
    )


def hold_json(
    bucket: str, prefix: str, run_id: str, objects: list[PackageObject]
) -> dict[str, Any]:
    return {
        "bucket": bucket,
        "prefix": prefix,
        "run_id": run_id,
        "objects": [
            {
                "name": item.name,
                "version_id": item.version_id,
                "retention_mode": item.retention_mode,
                "retain_until": item.retain_until.isoformat() if item.retain_until else None,
                "legal_hold": item.legal_hold,
            }
            for item in objects
        ],
    }


def hold_table(prefix: str, objects: list[PackageObject]) -> Table:
    table = Table(title=f"Object Lock of {prefix}", box=box.SIMPLE_HEAD)
    table.add_column("object", overflow="fold")
    table.add_column("version", overflow="fold")
    for column in ("retention", "retain until (UTC)", "legal hold"):
        table.add_column(column, no_wrap=True)
    for item in objects:
        table.add_row(
            escape(item.name),
            item.version_id,
            item.retention_mode or "[red]none[/]",
            _utc(item.retain_until),
            "[bold yellow]ON[/]" if item.legal_hold == "ON" else "OFF",
        )
    return table


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else ""
