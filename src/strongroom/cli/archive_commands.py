"""``strongroom archive ...``: register projects, start and follow archive jobs, price a prefix.

Locally every command finds the running stack through endpoints.json. On AWS, name the
resource: ``--table-name`` for the Projects table, ``--api-url`` for the archive API (with an
access token in STRONGROOM_TOKEN), ``--aws`` for ``estimate`` (standard credential chain).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from botocore.exceptions import BotoCoreError, ClientError

from strongroom.cli import archive_catalog, archive_estimate
from strongroom.cli.archive_options import (
    OptionError,
    ProjectOptions,
    api_error_message,
    archive_request_body,
    build_project,
)
from strongroom.cli.archive_views import (
    job_report,
    job_succeeded,
    project_table,
    projects_table,
)
from strongroom.cli.archive_watch import (
    DEFAULT_POLL_SECONDS,
    JobBody,
    JobProgress,
    follow,
    is_finished,
)
from strongroom.cli.common import (
    DEFAULT_STATE,
    InsecureOption,
    StateDirOption,
    console,
    errors,
    fail,
)
from strongroom.cli.deep_archive_access import (
    INTERRUPTED,
    ApiUrlOption,
    call_api,
    deep_archive_api,
    project_store,
)
from strongroom.deep_archive.public import (
    DEFAULT_ARCHIVE_SIZE_MB,
    DEFAULT_FILE_COUNT,
    Project,
)
from strongroom.local.api_client import ApiClient, ApiResponse

app = typer.Typer(
    help="Pack S3 prefixes into zip archives in Glacier Deep Archive, and follow the jobs.",
    no_args_is_help=True,
)
project_app = typer.Typer(
    help="Register the projects whose source prefixes may be archived.", no_args_is_help=True
)
app.add_typer(project_app, name="project")
app.command("estimate")(archive_estimate.estimate)
app.command("catalog-migrate")(archive_catalog.catalog_migrate)

TableNameOption = Annotated[
    str | None,
    typer.Option(help="Projects table on AWS; without it the running local stack's table."),
]
ArchiveClassOption = Annotated[
    str, typer.Option(help="DEEP_ARCHIVE, GLACIER, GLACIER_IR or STANDARD_IA.")
]
StorageClassOption = Annotated[
    str | None,
    typer.Option(help="DEEP_ARCHIVE, GLACIER, GLACIER_IR or STANDARD_IA (default: the project's)."),
]


@project_app.command("put")
def put_project(
    name: Annotated[str, typer.Argument(help="Project name: a-z, 0-9, '-' and '_'.")],
    source_bucket: Annotated[
        str,
        typer.Option(
            help="The bucket the project archives from. One bucket per registration: "
            "register another bucket under another project name."
        ),
    ],
    prefix: Annotated[
        list[str],
        typer.Option(
            "--prefix",
            help="A key prefix that may be archived (and that the monthly run archives); "
            "repeat for several; '' registers the whole bucket.",
        ),
    ],
    output_prefix: Annotated[
        str, typer.Option(help="Key prefix for the archives in the archive bucket.")
    ] = "",
    storage_class: ArchiveClassOption = "DEEP_ARCHIVE",
    file_count: Annotated[int, typer.Option(help="Most files per archive.")] = DEFAULT_FILE_COUNT,
    archive_size: Annotated[
        int, typer.Option(help="Most MB (MiB) per archive, zip headers included.")
    ] = DEFAULT_ARCHIVE_SIZE_MB,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule/--no-schedule",
            help="Archive the previous month on the 10th at 03:00 UTC: each prefix + period.",
        ),
    ] = False,
    period_format: Annotated[
        str | None,
        typer.Option(help="The month's part of the prefix (with --schedule).", show_default=False),
    ] = None,
    notify_topic: Annotated[
        list[str] | None,
        typer.Option("--notify-topic", help="SNS topic ARN restore requests may notify; repeat."),
    ] = None,
    table_name: TableNameOption = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Register (or replace) a project: which prefixes of one bucket may be archived, and how."""
    options = ProjectOptions(
        name=name,
        source_bucket=source_bucket,
        prefixes=prefix,
        output_prefix=output_prefix,
        storage_class=storage_class,
        file_count=file_count,
        archive_size_mb=archive_size,
        schedule=schedule,
        period_format=period_format,
        notify_topics=notify_topic or (),
    )
    try:
        project = build_project(options)
    except OptionError as error:
        raise fail(str(error)) from error
    store = project_store(table_name, state_dir)
    try:
        previous = store.get(project.name)
        store.put(project)
    except (BotoCoreError, ClientError) as error:
        raise fail(f"could not register {project.name!r}: {error}") from error
    console.print(project_table(project))
    if previous is None:
        console.print(f"registered project {project.name!r}")
    elif previous == project:
        console.print(f"project {project.name!r} was already registered exactly so")
    else:
        console.print(
            f"replaced the previous registration of {project.name!r} "
            f"(changed: {', '.join(_changed_fields(previous, project))})"
        )


@project_app.command("list")
def list_projects(
    as_json: Annotated[bool, typer.Option("--json", help="Print the projects as JSON.")] = False,
    table_name: TableNameOption = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Every registered project, by name."""
    store = project_store(table_name, state_dir)
    try:
        projects = store.list()
    except (BotoCoreError, ClientError) as error:
        raise fail(f"could not list projects: {error}") from error
    if as_json:
        console.print_json(data=[project.model_dump(mode="json") for project in projects])
    elif not projects:
        console.print("no projects registered: add one with `strongroom archive project put`")
    else:
        console.print(projects_table(projects))


@app.command("submit")
def submit(
    project: Annotated[str, typer.Option(help="The registered project to archive for.")],
    bucket: Annotated[str, typer.Option(help="Source bucket, one the project registered.")],
    prefix: Annotated[
        str, typer.Option(help="Key prefix to archive, inside a registered one ('' for all).")
    ],
    file_count: Annotated[
        int | None, typer.Option(help="Most files per archive (default: the project's).")
    ] = None,
    archive_size: Annotated[
        int | None, typer.Option(help="Most MB per archive (default: the project's).")
    ] = None,
    storage_class: StorageClassOption = None,
    output_prefix: Annotated[
        str | None, typer.Option(help="Archive key prefix (default: the project's).")
    ] = None,
    expected_files: Annotated[
        int | None, typer.Option(help="Fail without archiving unless the prefix holds this many.")
    ] = None,
    expected_bytes: Annotated[
        int | None, typer.Option(help="Fail without archiving unless the prefix holds this size.")
    ] = None,
    delete_source: Annotated[
        bool, typer.Option(help="Delete each source object once its archive is verified.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Plan and estimate the cost only; archive nothing.")
    ] = False,
    workers: Annotated[int, typer.Option(help="Parallel packer jobs (1-32).")] = 1,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Follow the job until it finishes.")
    ] = True,
    poll_seconds: Annotated[
        float, typer.Option(help="Seconds between two looks at the job.")
    ] = DEFAULT_POLL_SECONDS,
    api_url: ApiUrlOption = None,
    insecure: InsecureOption = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Start an archive job (POST /archive) and follow it; exit 0 if SUCCEEDED (dry run: PLANNED).

    With --no-wait: print the job id and exit 0 once the API accepted the job.
    """
    try:
        body = archive_request_body(
            {
                "project_name": project,
                "bucket_name": bucket,
                "prefix": prefix,
                "file_count": file_count,
                "archive_size": archive_size,
                "storage_class": storage_class,
                "output_prefix": output_prefix,
                "expected_files": expected_files,
                "expected_bytes": expected_bytes,
                "delete_source": delete_source,
                "dry_run": dry_run,
                "workers": workers,
            }
        )
    except OptionError as error:
        raise fail(str(error)) from error
    client = deep_archive_api(api_url, state_dir, scope="archive", insecure=insecure)
    accepted = _call(lambda: client.post("archive", body=body), expected=202)
    job_id = str(accepted.body["job_id"])
    console.print(f"job {job_id} accepted ({accepted.body.get('status', 'SUBMITTED')})")
    if not wait:
        console.print(f"follow it with: strongroom archive status {job_id}")
        return
    try:
        with JobProgress(console) as progress:
            final, _ = follow(
                lambda: _fetch_job(client, job_id, while_following=True),
                progress.update,
                is_finished,
                interval=poll_seconds,
            )
    except KeyboardInterrupt:
        errors.print(f"stopped watching; job {job_id} goes on: strongroom archive status {job_id}")
        raise typer.Exit(INTERRUPTED) from None
    console.print(job_report(final))
    if not job_succeeded(final):
        reason = final.get("status_reason") or "see the errors above"
        raise fail(f"job {job_id} ended {final.get('status')}: {reason}")


@app.command("status")
def status(
    job_id: Annotated[str, typer.Argument(help="The job id `submit` printed.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON.")] = False,
    api_url: ApiUrlOption = None,
    insecure: InsecureOption = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """One look at a job (GET /jobs/{job_id}): status, counts, archives, errors."""
    body = _fetch_job(
        deep_archive_api(api_url, state_dir, scope="archive", insecure=insecure), job_id
    )
    if as_json:
        console.print_json(data=body)
    else:
        console.print(job_report(body))


def _fetch_job(client: ApiClient, job_id: str, *, while_following: bool = False) -> JobBody:
    # The job does not depend on anyone watching it: say so when the watch breaks off.
    hint = f" (job {job_id} goes on: strongroom archive status {job_id})" if while_following else ""
    answer = _call(lambda: client.get("jobs", job_id), expected=200, hint=hint)
    body: JobBody = answer.body
    return body


def _call(send: Callable[[], ApiResponse], *, expected: int, hint: str = "") -> ApiResponse:
    return call_api(send, expected=expected, describe=api_error_message, hint=hint)


def _changed_fields(previous: Project, current: Project) -> list[str]:
    return [
        field
        for field in Project.model_fields
        if getattr(previous, field) != getattr(current, field)
    ]


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}" if number == 1 else f"{number:,} {thing}s"
