"""``strongroom sox verify`` and ``strongroom sox download``: check an IPE run's evidence package
as an auditor would, in S3 or downloaded, and fetch it for offline checking.

``verify`` exits 0 only when every check holds, 1 when any fails (the table and the error line
name what and where), 2 for bad input or when there is no package to verify.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import boto3
import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from strongroom.cli.common import (
    DEFAULT_STATE,
    JsonOption,
    StateDirOption,
    console,
    errors,
    fail,
    local_client,
    running_stack,
    stack_output,
)
from strongroom.cli.sox_invoke import SYSTEM
from strongroom.sox_evidence.public import (
    Check,
    DownloadRefused,
    InvalidCutoff,
    NoPackage,
    RunRecord,
    VerificationReport,
    catalog,
    download_package,
    latest_run_id,
    parse_cutoff,
    verify_directory,
    verify_package,
)

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")

IpeArgument = Annotated[
    str, typer.Argument(metavar="IPE_ID", help="An IPE of the catalog (ipe_07 means IPE_07).")
]
CutoffArgument = Annotated[
    str, typer.Argument(metavar="CUTOFF", help="The run's cutoff date, YYYY-MM-DD.")
]
RunOption = Annotated[
    str | None,
    typer.Option(
        "--run",
        metavar="ID",
        help="The run id; default: the latest run of the IPE for the cutoff.",
        show_default=False,
    ),
]
EvidenceBucketOption = Annotated[
    str | None,
    typer.Option(
        "--evidence-bucket",
        help="The evidence bucket on AWS; without it the running local stack's.",
        show_default=False,
    ),
]
ResultsBucketOption = Annotated[
    str | None,
    typer.Option(
        "--bucket",
        help="On AWS, the results bucket whose run records give the latest run (without --run).",
        show_default=False,
    ),
]


class BadInput(ValueError):
    """An argument or option breaks a rule; the message names it."""


def _ipe(value: str) -> str:
    ipe_id = value.strip().upper()
    if ipe_id not in catalog():
        known = ", ".join(catalog())
        raise BadInput(f"IPE_ID: {value!r} is not an IPE of the catalog ({known})")
    return ipe_id


def _cutoff(value: str) -> date:
    try:
        return parse_cutoff(value.strip(), "CUTOFF")
    except InvalidCutoff as error:
        raise BadInput(str(error)) from None


def _run(value: str | None) -> str | None:
    if value is not None and not RUN_ID.match(value):
        raise BadInput(f"--run: {value!r} is not a run id (YYYYMMDDTHHMMSSZ-<8 hex>)")
    return value


class _Aws:
    """The clients and buckets: the named ones on AWS, else the running local stack's."""

    def __init__(self, evidence: str | None, results: str | None, state_dir: Path) -> None:
        if evidence is not None:
            session = boto3.session.Session()
            self.s3: Any = session.client("s3")
            self.kms: Any = session.client("kms")
            self.evidence: str = evidence
            self.results: str | None = results
            return
        endpoints = running_stack(state_dir)
        self.s3 = local_client(endpoints, "s3")
        self.kms = local_client(endpoints, "kms")
        self.evidence = stack_output(endpoints, SYSTEM, "EvidenceBucketName")
        self.results = stack_output(endpoints, SYSTEM, "ResultsBucketName")

    def run_id(self, ipe_id: str, cutoff: date, run_id: str | None) -> str:
        if run_id is not None:
            return run_id
        if self.results is None:
            raise BadInput("--bucket: needed on AWS to find the latest run (or give --run)")
        return latest_run_id(self.s3, self.results, ipe_id, cutoff)


def verify(
    ipe_id: IpeArgument,
    cutoff: CutoffArgument,
    run: RunOption = None,
    offline: Annotated[
        Path | None,
        typer.Option(
            "--offline",
            metavar="DIR",
            help="Verify a downloaded package (sox download's layout) without AWS.",
            show_default=False,
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            metavar="PEM",
            help="With --offline: the signing key's public PEM to trust (else the package's "
            "own public_key.pem is used unpinned, and the output says so).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    evidence_bucket: EvidenceBucketOption = None,
    bucket: ResultsBucketOption = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Check an IPE run's evidence package: signature, hashes, Parquet versions, rows, control
    totals, Object Lock retention. Exit 0: every check holds; 1: a check failed; 2: bad input
    or no package."""
    try:
        report = _verify(
            ipe_id, cutoff, run, offline, public_key, evidence_bucket, bucket, state_dir
        )
    except (BadInput, NoPackage) as error:
        raise fail(escape(str(error)), EXIT_BAD_INPUT) from error
    except (BotoCoreError, ClientError) as error:
        raise fail(escape(f"could not read the package: {error}"), EXIT_BAD_INPUT) from error
    if as_json:
        console.print_json(data=report_json(report))
    else:
        console.print(report_table(report))
        for line in failure_lines(report):
            errors.print(f"[bold red]FAIL[/] {escape(line)}")
        for note in report.not_checked:
            errors.print(f"[yellow]not checked ({report.mode}):[/] {escape(note)}")
    if not report.passed:
        errors.print(
            f"[bold red]package does not verify[/]: {len(report.failures)} of "
            f"{len(report.checks)} checks failed" + ("" if as_json else " (each named above)")
        )
        raise typer.Exit(EXIT_FAILED)
    errors.print(f"[bold green]package verifies[/]: {len(report.checks)} checks passed")


def _verify(
    ipe_value: str,
    cutoff_value: str,
    run_value: str | None,
    offline: Path | None,
    public_key: Path | None,
    evidence_bucket: str | None,
    bucket: str | None,
    state_dir: Path,
) -> VerificationReport:
    ipe_id, cutoff, run_id = _ipe(ipe_value), _cutoff(cutoff_value), _run(run_value)
    if offline is None:
        if public_key is not None:
            raise BadInput("--public-key: only with --offline (online, KMS gives the key)")
        aws = _Aws(evidence_bucket, bucket, state_dir)
        chosen = aws.run_id(ipe_id, cutoff, run_id)
        return verify_package(aws.s3, aws.kms, aws.evidence, ipe_id, cutoff, chosen)
    if not offline.is_dir():
        raise BadInput(f"--offline: {offline} is not a directory")
    pem = None
    if public_key is not None:
        if not public_key.is_file():
            raise BadInput(f"--public-key: {public_key} is not a file")
        pem = public_key.read_bytes()
    try:
        return verify_directory(offline, ipe_id, cutoff, run_id, pem)
    except ValueError as error:
        raise BadInput(f"--public-key: {error}") from None


def download(
    ipe_id: IpeArgument,
    cutoff: CutoffArgument,
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Where to put the package (empty or new).")
    ],
    run: RunOption = None,
    evidence_bucket: EvidenceBucketOption = None,
    bucket: ResultsBucketOption = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Download an IPE run's evidence package and its Parquet at their recorded versions, laid
    out for ``sox verify --offline DIR``."""
    try:
        chosen_ipe, chosen_cutoff = _ipe(ipe_id), _cutoff(cutoff)
        aws = _Aws(evidence_bucket, bucket, state_dir)
        run_id = aws.run_id(chosen_ipe, chosen_cutoff, _run(run))
        written = download_package(
            aws.s3, aws.evidence, chosen_ipe, chosen_cutoff, run_id, directory
        )
    except (BadInput, NoPackage, DownloadRefused) as error:
        raise fail(escape(str(error)), EXIT_BAD_INPUT) from error
    except (BotoCoreError, ClientError) as error:
        raise fail(escape(f"could not download the package: {error}"), EXIT_BAD_INPUT) from error
    console.print(
        f"run {run_id}: {len(written)} files in {escape(str(directory))}; check them with "
        f"strongroom sox verify {chosen_ipe} {chosen_cutoff.isoformat()} --offline "
        f"{escape(str(directory))}"
    )


def report_table(report: VerificationReport) -> Table:
    """One row per kind of check, in the order first made: a kind whose checks all passed says
    on how many objects (``--json`` lists each); a failed check gets a row of its own, naming
    its object by its place in the package (the title holds the prefix)."""
    title = (
        f"evidence package of {report.ipe_id} {report.cutoff_date.isoformat()} run "
        f"{report.run_id} ({report.mode}: {report.location})"
    )
    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column("check", overflow="fold")
    table.add_column("object", overflow="fold")
    table.add_column("result", no_wrap=True)
    kinds: dict[str, list[Check]] = {}
    for check in report.checks:
        kinds.setdefault(check.name, []).append(check)
    for name, checks in kinds.items():
        passed = [check for check in checks if check.passed]
        if len(checks) == 1 and passed:
            table.add_row(name, escape(short_where(checks[0].where, report.location)), _PASS)
        elif passed:
            table.add_row(name, f"{len(passed)} objects", _PASS)
        for check in checks:
            if not check.passed:
                table.add_row(name, escape(short_where(check.where, report.location)), _FAIL)
    return table


_PASS = Text("pass", style="green")
_FAIL = Text("FAIL", style="bold red")


def short_where(where: str, location: str) -> str:
    """``where`` without the package's prefix (or a Parquet key's folders), its version id cut
    to 8 characters: a row that fits a terminal; the JSON and the failure lines say it whole."""
    place, _, version = where.partition("?versionId=")
    root = location.rstrip("/") + "/"
    if place.startswith(root):
        place = place.removeprefix(root) or "."
    elif place.startswith("s3://"):
        place = place.rpartition("/")[2]
    return f"{place} @ {version[:8]}" if version else place


def failure_lines(report: VerificationReport) -> list[str]:
    return [
        f"{check.name} at {check.where}: expected {check.expected}, found {check.actual}"
        for check in report.failures
    ]


def report_json(report: VerificationReport) -> dict[str, Any]:
    return {"passed": report.passed, **report.model_dump(mode="json")}


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
    app.command("download")(download)


def package_verdicts(
    latest: Mapping[str, RunRecord | None],
    evidence_bucket: str | None,
    results_bucket: str | None,
    state_dir: Path,
) -> dict[str, str] | None:
    """Per IPE, whether its last run's package verifies: ``yes``, ``no: <first failing
    check> at <where>``, or ``none``; None on AWS without ``--evidence-bucket`` (not shown)."""
    if results_bucket is not None and evidence_bucket is None:
        return None
    aws = _Aws(evidence_bucket, results_bucket, state_dir)
    verdicts: dict[str, str] = {}
    for ipe_id, record in latest.items():
        verdicts[ipe_id] = "none" if record is None else _verdict(aws, record)
    return verdicts


def _verdict(aws: _Aws, record: RunRecord) -> str:
    cutoff = record.context.cutoff_date
    try:
        report = verify_package(aws.s3, aws.kms, aws.evidence, record.ipe_id, cutoff, record.run_id)
    except NoPackage:
        return "none"
    except (BotoCoreError, ClientError) as error:
        return f"unknown: could not read the package: {error}"
    first = report.first_failure
    if report.passed or first is None:
        return "yes"
    return f"no: {first.name} at {first.where}"
