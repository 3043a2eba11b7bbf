"""``strongroom sox ...``: run control PG-01's IPE extractions, see each IPE's last run, query
the results, regenerate the local NAV BI stand-in.

Locally every command finds the running stack through endpoints.json (the function through
Lambda's Invoke API on the stack's AWS endpoint, the results bucket from its outputs). On AWS,
name the resources: ``--function`` (or ``--aws`` for the default name) and ``--bucket``;
credentials come from the standard chain.

``run`` exits 0 when every IPE succeeded, 1 when an IPE failed (a check, or its extraction),
2 when the invocation failed, was refused, or Lambda could not be asked.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.markup import escape

from strongroom.cli.common import (
    DEFAULT_STATE,
    FunctionOption,
    JsonOption,
    StateDirOption,
    console,
    errors,
    fail,
    named_or_local,
)
from strongroom.cli.sox_hold import hold
from strongroom.cli.sox_invoke import (
    DEFAULT_FUNCTION_NAME,
    SYSTEM,
    Pg01Answer,
    RecordWatcher,
    invoke_watching,
    sox_target,
)
from strongroom.cli.sox_options import (
    EXIT_FUNCTION_FAILED,
    INTERRUPTED,
    SoxOptionError,
    cutoff_option,
    exit_code,
    ipe_ids,
    requester,
    run_event,
    timeout_option,
)
from strongroom.cli.sox_query import run_query
from strongroom.cli.sox_seed import reseed
from strongroom.cli.sox_verify import EvidenceBucketOption, package_verdicts
from strongroom.cli.sox_verify import register as register_verify
from strongroom.cli.sox_views import (
    progress_line,
    run_table,
    status_json,
    status_table,
    why_failed,
)
from strongroom.sox_evidence.localdev import SEED_ROWS
from strongroom.sox_evidence.public import RunRecord, catalog, last_run, run_records

app = typer.Typer(
    help="SOX control PG-01: extract the IPEs as of a cutoff, see their runs, query the "
    "results, reseed the local NAV BI stand-in.",
    no_args_is_help=True,
)

CutoffOption = Annotated[
    str | None,
    typer.Option(
        "--cutoff",
        metavar="YYYY-MM-DD",
        help="The cutoff date; default: the function's (CUTOFF_DATE, else last month's end).",
        show_default=False,
    ),
]
BucketOption = Annotated[
    str | None,
    typer.Option(
        help="Results bucket on AWS; without it the running local stack's bucket.",
        show_default=False,
    ),
]


@app.command("run")
def run(
    cutoff: CutoffOption = None,
    ipe: Annotated[
        list[str] | None,
        typer.Option(
            "--ipe",
            metavar="ID",
            help="Only this IPE (repeat for several); default: every IPE of the catalog.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    function: FunctionOption = None,
    on_aws: Annotated[
        bool, typer.Option("--aws", help=f"Invoke {DEFAULT_FUNCTION_NAME} on AWS.")
    ] = False,
    bucket: Annotated[
        str | None,
        typer.Option(
            help="On AWS, the results bucket to follow the run records in while the run goes on.",
            show_default=False,
        ),
    ] = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Invoke SOXAuto-PG01 once for the cutoff and show each IPE's result as it is written.

    Exit 0: every IPE succeeded. Exit 1: an IPE failed (its failed checks are named).
    Exit 2: the invocation failed, was refused, or could not be made.
    """
    now = datetime.now(UTC)
    try:
        requested = cutoff_option(cutoff, now.date())
        chosen = ipe_ids(ipe)
    except SoxOptionError as error:
        raise fail(escape(str(error))) from error
    who = requester()
    target = sox_target(function, on_aws, bucket, state_dir)
    watcher = (
        RecordWatcher(target.s3, target.bucket, chosen or tuple(catalog()), who, now)
        if target.s3 is not None and target.bucket is not None
        else None
    )
    answer = _invoke(target, run_event(requested, chosen, who), watcher, len(chosen or catalog()))
    if as_json:
        console.print_json(data=dict(answer.body))
    if answer.error_message:
        raise fail(escape(answer.error_message), EXIT_FUNCTION_FAILED)
    records = _answered_records(answer, target, watcher)
    if not as_json:
        console.print(run_table(answer, records))
    failed = [ipe for ipe in answer.ipes if ipe.get("status") != "succeeded"]
    for item in failed:
        reason = why_failed(item.get("failed_checks") or [], item.get("failure"))
        errors.print(
            f"[bold red]{item.get('ipe_id')} failed[/]: {escape(reason)} "
            f"(run record {escape(str(item.get('record_key')))})"
        )
    code = exit_code(answer.status_code)
    if code:
        raise typer.Exit(code)


def _invoke(
    target: Any, event: dict[str, Any], watcher: RecordWatcher | None, count: int
) -> Pg01Answer:
    """The invocation behind a status line; each IPE's result printed as its record appears."""
    done: list[str] = []

    def report(record: RunRecord) -> None:
        done.append(record.ipe_id)
        errors.print(progress_line(record))
        spinner.update(_status_text(target.function_name, len(done), count))

    try:
        with errors.status(_status_text(target.function_name, 0, count)) as spinner:
            return invoke_watching(target, event, watcher, report)
    except (BotoCoreError, ClientError) as error:
        message = f"could not invoke {target.function_name}: {error}"
        raise fail(escape(message), EXIT_FUNCTION_FAILED) from error
    except KeyboardInterrupt:
        raise fail("stopped waiting: the run goes on in Lambda", INTERRUPTED) from None


def _status_text(function_name: str, done: int, count: int) -> str:
    return f"{function_name}: {done} of {count} IPE(s) done"


def _answered_records(
    answer: Pg01Answer, target: Any, watcher: RecordWatcher | None
) -> dict[str, RunRecord]:
    """The run records the answer names, by run id (for the checks counts): those the
    watcher saw, the rest read now; none when the bucket cannot be read."""
    records = {record.run_id: record for record in (watcher.seen.values() if watcher else ())}
    missing = {str(ipe.get("ipe_id")) for ipe in answer.ipes if ipe.get("run_id") not in records}
    bucket = answer.body.get("results_bucket") or target.bucket
    if not missing or target.s3 is None or not isinstance(bucket, str):
        return records
    cutoff = date.fromisoformat(str(answer.body["cutoff_date"]))
    try:
        for ipe_id in sorted(missing):
            found = run_records(target.s3, bucket, ipe_id, cutoff)
            records.update((record.run_id, record) for record in found)
    except (BotoCoreError, ClientError) as error:
        errors.print(f"[yellow]could not read the run records: {escape(str(error))}")
    return records


@app.command("status")
def status(
    cutoff: Annotated[
        str | None,
        typer.Option(
            "--cutoff",
            metavar="YYYY-MM-DD",
            help="Only runs for this cutoff; default: each IPE's last run, whatever its cutoff.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    bucket: BucketOption = None,
    evidence_bucket: EvidenceBucketOption = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """The last run of each IPE: run id, start, cutoff, rows, checks passed, result, and
    whether its evidence package verifies."""
    try:
        wanted = cutoff_option(cutoff, datetime.now(UTC).date())
    except SoxOptionError as error:
        raise fail(escape(str(error))) from error
    name, s3 = named_or_local(
        bucket, state_dir, system=SYSTEM, output="ResultsBucketName", service="s3"
    )
    latest: dict[str, RunRecord | None] = {}
    try:
        for ipe_id in catalog():
            latest[ipe_id] = last_run(s3, name, ipe_id, wanted)
    except (BotoCoreError, ClientError) as error:
        raise fail(
            escape(f"could not read the run records in s3://{name}/runs/: {error}")
        ) from error
    packages = package_verdicts(latest, evidence_bucket, bucket, state_dir)
    if as_json:
        console.print_json(data=status_json(latest, packages))
    else:
        console.print(status_table(latest, wanted.isoformat() if wanted else None, packages))


@app.command("query")
def query(
    sql: Annotated[
        str,
        typer.Argument(
            metavar="SQL",
            help="One SELECT over the IPE tables (ipe_07, cr_05, ipe_08, ...): the IPE's columns "
            "plus cutoff_date and run_id. On Athena every query names the run: run_id = '...'.",
        ),
    ],
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (streamed).")] = False,
    as_json: JsonOption = False,
    timeout: Annotated[
        float, typer.Option(help="Cancel the query after this many seconds.")
    ] = 300.0,
    bucket: Annotated[
        str | None,
        typer.Option(
            help="Results bucket on AWS: query it through Athena. Without it: the running local "
            "stack's bucket through DuckDB.",
            show_default=False,
        ),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(help="Glue database on AWS (default jumia_sox_db).", show_default=False),
    ] = None,
    workgroup: Annotated[
        str | None,
        typer.Option(help="Athena workgroup on AWS (default sox-evidence).", show_default=False),
    ] = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Run SQL over the IPE results: Athena on AWS, DuckDB over the same Parquet locally."""
    if as_csv and as_json:
        raise fail("give --csv or --json, not both")
    try:
        seconds = timeout_option(timeout)
    except SoxOptionError as error:
        raise fail(escape(str(error))) from error
    run_query(
        sql,
        output="csv" if as_csv else "json" if as_json else "table",
        timeout_s=seconds,
        bucket=bucket,
        database=database,
        workgroup=workgroup,
        state_dir=state_dir,
        out=sys.stdout,
    )


@app.command("seed")
def seed(
    rows: Annotated[
        int,
        typer.Option(min=1, max=10_000_000, help="Customer ledger entries to generate."),
    ] = SEED_ROWS,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Regenerate the running local stack's NAV BI stand-in (deterministic for --rows).

    Local stack only: on AWS the data is NAV BI's own. A restarted stack writes its own
    generation (100,000 entries) again.
    """
    console.print(reseed(state_dir, rows))


register_verify(app)  # sox verify, sox download (evidence packages)
app.command("hold")(hold)  # legal holds on an evidence package (cli/sox_hold.py)
