"""``strongroom triggers ...``: run trigger_archive's function for days, list and show what it
archived.

Locally every command finds the running stack through endpoints.json (the function through
Lambda's Invoke API on the stack's AWS endpoint, the bucket from its outputs). On AWS, name the
resource: ``--function`` (or ``--aws`` for the default name) and ``--bucket``; credentials come
from the standard chain.

``run`` exits 0 when every day answered 200, 1 when some client failed or was not attempted
(207), 2 when an invocation failed (FunctionError: no client archived, or the client list could
not be read), was refused, or Lambda could not be asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

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
from strongroom.cli.triggers_invoke import (
    DEFAULT_FUNCTION_NAME,
    SYSTEM,
    DayRun,
    invoke_day,
    lambda_target,
)
from strongroom.cli.triggers_options import (
    EXIT_FUNCTION_FAILED,
    INTERRUPTED,
    TriggerOptionError,
    client_ids,
    exit_code,
    invocation_event,
    parse_day,
    run_days,
)
from strongroom.cli.triggers_store import ArchivedObjectMissing, archived_objects, archived_response
from strongroom.cli.triggers_views import (
    objects_json,
    objects_table,
    response_json,
    response_view,
    run_report,
)

app = typer.Typer(
    help="Archive the DEX API's trigger responses for chosen days and clients; list and show "
    "what is archived.",
    no_args_is_help=True,
)

BucketOption = Annotated[
    str | None,
    typer.Option(help="Archive bucket on AWS; without it the running local stack's bucket."),
]


@app.command("run")
def run(
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The day to archive; default: today in the function's schedule time zone.",
            show_default=False,
        ),
    ] = None,
    first: Annotated[
        str | None,
        typer.Option("--from", metavar="YYYY-MM-DD", help="First day of a range (with --to)."),
    ] = None,
    last: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="YYYY-MM-DD", help="Last day of a range, included (at most 366 days)."
        ),
    ] = None,
    client: Annotated[
        list[int] | None,
        typer.Option(
            "--client",
            metavar="ID",
            help="Only this client id (repeat for several); each must "
            "still be selected by the client query.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    function: FunctionOption = None,
    on_aws: Annotated[
        bool, typer.Option("--aws", help=f"Invoke {DEFAULT_FUNCTION_NAME} on AWS.")
    ] = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Invoke the function once per day and show what each run archived.

    Exit 0: every day answered 200. Exit 1: a client failed or was not attempted (207).
    Exit 2: an invocation failed (nothing archived), was refused, or could not be made.
    """
    try:
        days: Sequence[date | None] = run_days(day, first, last) or [None]
        clients = client_ids(client)
    except TriggerOptionError as error:
        raise fail(escape(str(error))) from error
    function_name, lambda_client = lambda_target(function, on_aws, state_dir)
    runs, stopped = _invoke_days(lambda_client, function_name, days, clients)
    if as_json:
        console.print_json(data=[done.as_json() for done in runs])
    elif runs:
        console.print(run_report(runs))
    if stopped is not None:
        message, code = stopped
        raise fail(escape(message), code)
    failed = [done for done in runs if done.failed]
    if failed and not as_json:
        errors.print(
            f"[bold red]{len(failed)} of {len(runs)} invocation(s) failed[/]: "
            f"the run reports under runs/<date>/ in the bucket name the failed clients"
        )
    code = exit_code(done.status_code for done in runs)
    if code:
        raise typer.Exit(code)


@app.command("list")
def list_archived(
    day: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="The trigger date.")],
    as_json: JsonOption = False,
    bucket: BucketOption = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Every client's archived response for a day: key, size, versions, sha256."""
    try:
        trigger_date = parse_day("--date", day)
    except TriggerOptionError as error:
        raise fail(escape(str(error))) from error
    name, s3 = _bucket(bucket, state_dir)
    try:
        objects = archived_objects(s3, name, trigger_date)
    except (BotoCoreError, ClientError) as error:
        raise fail(escape(f"could not list s3://{name}/trigger/: {error}")) from error
    if as_json:
        console.print_json(data=objects_json(objects))
    elif not objects:
        console.print(f"nothing archived for {trigger_date} in s3://{name}/trigger/")
    else:
        console.print(objects_table(trigger_date.isoformat(), objects))


@app.command("show")
def show(
    client: Annotated[int, typer.Argument(min=0, metavar="CLIENT", help="The client id.")],
    day: Annotated[str, typer.Argument(metavar="DATE", help="The trigger date, YYYY-MM-DD.")],
    version_id: Annotated[
        str | None,
        typer.Option(help="Show this version (default: the current one).", show_default=False),
    ] = None,
    as_json: JsonOption = False,
    bucket: BucketOption = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """One client's archived response for a day: metadata, versions, the body."""
    try:
        trigger_date = parse_day("DATE", day)
    except TriggerOptionError as error:
        raise fail(escape(str(error))) from error
    name, s3 = _bucket(bucket, state_dir)
    try:
        response = archived_response(s3, name, client, trigger_date, version_id)
    except ArchivedObjectMissing as error:
        raise fail(escape(str(error))) from error
    except (BotoCoreError, ClientError) as error:
        raise fail(escape(f"could not read client {client}'s response: {error}")) from error
    if as_json:
        console.print_json(data=response_json(response))
    else:
        console.print(response_view(response))


def _invoke_days(
    lambda_client: Any, function_name: str, days: Sequence[date | None], clients: Sequence[int]
) -> tuple[list[DayRun], tuple[str, int] | None]:
    """One invocation per day, in order, behind a transient progress bar. A failed invocation
    does not stop the others; Lambda refusing the call (or being unreachable) does: the days
    done so far are returned with the reason and the exit code, as after Ctrl-C."""
    runs: list[DayRun] = []
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn()]
    if len(days) > 1:
        columns.append(MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=errors, transient=True) as progress:
        task = progress.add_task(function_name, total=len(days) if len(days) > 1 else None)
        for requested in days:
            label = requested.isoformat() if requested is not None else "today"
            progress.update(task, description=f"{function_name}: archiving {label}")
            try:
                runs.append(
                    invoke_day(
                        lambda_client,
                        function_name,
                        requested,
                        invocation_event(requested, clients),
                    )
                )
            except (BotoCoreError, ClientError) as error:
                reason = f"could not invoke {function_name} for {label}: {error}"
                return runs, (reason, EXIT_FUNCTION_FAILED)
            except KeyboardInterrupt:
                reason = f"stopped waiting: the run for {label} goes on in Lambda"
                return runs, (reason, INTERRUPTED)
            progress.advance(task)
    return runs, None


def _bucket(bucket: str | None, state_dir: Path) -> tuple[str, Any]:
    return named_or_local(
        bucket, state_dir, system=SYSTEM, output="ArchiveBucketName", service="s3"
    )
