"""``strongroom restore ...``: restore archived files by name, key or prefix, and follow them.

Locally every command finds the running stack through endpoints.json. On AWS, give
``--api-url`` (with an access token in STRONGROOM_TOKEN) and either ``--topic`` or
``--table-name`` (the Projects table, where the project's registered topic is read).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.markup import escape

from strongroom.cli.archive_options import OptionError, validated
from strongroom.cli.archive_watch import follow
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
from strongroom.cli.restore_views import (
    RESTORE_OPTIONS,
    RestoreBody,
    RestoreProgress,
    accepted_report,
    is_final,
    restore_error_message,
    restore_exit_code,
    restore_report,
)
from strongroom.deep_archive.public import RETRIEVAL_TIERS, Project, RestoreRequest
from strongroom.local.api_client import ApiClient, ApiResponse

DEFAULT_POLL_SECONDS = 2.0
DEFAULT_TIMEOUT_SECONDS = 600.0
# Stands in for a topic still to be read from the Projects table, so every other option can be
# checked by the API's own model before anything is called.
_TOPIC_TO_LOOK_UP = "arn:aws:sns:us-east-1:000000000000:to-be-looked-up"

app = typer.Typer(
    help="Restore single archived files (by name, key or prefix) and follow the restores.",
    no_args_is_help=True,
)

TimeoutOption = Annotated[
    float,
    typer.Option(min=1, help="With --wait: give up watching after this many seconds (exit 2)."),
]
PollOption = Annotated[
    float, typer.Option(min=0.1, help="Seconds between two looks at the restore.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON.")]
WaitOption = Annotated[
    bool, typer.Option("--wait/--no-wait", help="Follow the restore until every file is done.")
]


@dataclass(frozen=True, slots=True)
class RestoreOptions:
    project: str
    names: Sequence[str] = ()
    prefix: str | None = None
    bucket: str | None = None
    tier: str = "Standard"
    topic: str | None = None
    region: str | None = None
    account: str | None = None


def canonical_tier(tier: str) -> str:
    """The tier as S3 spells it (``bulk`` -> ``Bulk``); OptionError for anything else."""
    for known in RETRIEVAL_TIERS:
        if known.lower() == tier.strip().lower():
            return known
    raise OptionError(f"--tier: {tier!r} is not a retrieval tier; use {', '.join(RETRIEVAL_TIERS)}")


def check_restore_options(options: RestoreOptions) -> None:
    """Every rule the options must meet that needs no call: which files, tier, field formats."""
    restore_request_body(options, options.topic or _TOPIC_TO_LOOK_UP)


def restore_request_body(options: RestoreOptions, topic: str) -> dict[str, Any]:
    """The ``POST /restore`` body: one name as the seed's ``filename``, several as ``files``,
    or a ``prefix``. Checked by the API's own request model; errors name the options."""
    if options.names and options.prefix is not None:
        raise OptionError("give file NAMES or --prefix, not both")
    if not options.names and options.prefix is None:
        raise OptionError("name the files to restore: NAMES (file names or keys) or --prefix")
    if options.bucket is not None and options.prefix is None:
        raise OptionError("--bucket narrows a --prefix restore: give it with --prefix only")
    values: dict[str, Any] = {
        "project_name": options.project,
        "retrieval_tier": canonical_tier(options.tier),
        "sns_topic_arn": topic,
        "region": options.region,
        "account": options.account,
    }
    if options.prefix is not None:
        values.update(prefix=options.prefix, bucket_name=options.bucket)
    elif len(options.names) == 1:
        values["filename"] = options.names[0]
    else:
        values["files"] = list(options.names)
    given = {field: value for field, value in values.items() if value is not None}
    request = validated(RestoreRequest, given, RESTORE_OPTIONS)
    return request.model_dump(mode="json", exclude_none=True)


def registered_topic(project_name: str, project: Project | None) -> str:
    """The project's notification topic when it registered exactly one; else say what to do."""
    if project is None:
        raise OptionError(f"project {project_name!r} is not registered")
    topics = project.notification_topic_arns
    if len(topics) == 1:
        return topics[0]
    if not topics:
        raise OptionError(
            f"project {project_name!r} registered no notification topic: register one with "
            "`strongroom archive project put --notify-topic ARN`, then restore"
        )
    raise OptionError(
        f"project {project_name!r} registered {len(topics)} notification topics: "
        f"choose one with --topic ({', '.join(topics)})"
    )


def restore_id_argument(value: str) -> str:
    """The restore id in the API's spelling (lower-case UUID); OptionError if it is not one."""
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError as error:
        raise OptionError(
            f"RESTORE_ID: {value!r} is not a restore id (the UUID `restore request` printed)"
        ) from error


@app.command("request")
def request(
    project: Annotated[str, typer.Argument(help="The registered project the files belong to.")],
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files to restore: a bare file name (as the seed), a full source key, or "
            "s3://bucket/key.",
            show_default=False,
        ),
    ] = None,
    prefix: Annotated[
        str | None,
        typer.Option(
            help="Restore every archived file whose key starts with this (not with NAMES)."
        ),
    ] = None,
    bucket: Annotated[
        str | None, typer.Option(help="With --prefix: only this registered source bucket.")
    ] = None,
    tier: Annotated[
        str, typer.Option(help="Retrieval tier: Standard, Bulk or Expedited (not Deep Archive).")
    ] = "Standard",
    topic: Annotated[
        str | None,
        typer.Option(
            metavar="ARN",
            help="SNS topic told when the restore is done; default: the project's registered "
            "topic, if it registered exactly one.",
            show_default=False,
        ),
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Sent as the request's region (must be the API's).")
    ] = None,
    account: Annotated[
        str | None, typer.Option(help="Sent as the request's account (must be the API's).")
    ] = None,
    wait: WaitOption = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT_SECONDS,
    poll_seconds: PollOption = DEFAULT_POLL_SECONDS,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    insecure: InsecureOption = False,
    table_name: Annotated[
        str | None,
        typer.Option(help="Projects table on AWS, to read the project's topic when no --topic."),
    ] = None,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """Restore archived files (POST /restore); with --wait, follow them until they are back.

    Exit 0 once accepted (--no-wait) or COMPLETED; 1 if refused, PARTIAL or FAILED.
    Exit 2 if --timeout ran out first (the restore goes on).
    """
    options = RestoreOptions(
        project=project,
        names=tuple(names or ()),
        prefix=prefix,
        bucket=bucket,
        tier=tier,
        topic=topic,
        region=region,
        account=account,
    )
    try:
        check_restore_options(options)
        chosen_topic = topic or registered_topic(
            project, _read_project(project, api_url, table_name, state_dir)
        )
        body = restore_request_body(options, chosen_topic)
    except OptionError as error:
        raise fail(escape(str(error))) from error
    client = deep_archive_api(api_url, state_dir, scope="restore", insecure=insecure)
    accepted = _call(lambda: client.post("restore", body=body), expected=202)
    restore_id = str(accepted.body["restore_id"])
    if not wait:
        if as_json:
            console.print_json(data=accepted.body)
            return
        console.print(accepted_report(accepted.body))
        console.print(f"restore {restore_id} accepted; notifying {escape(chosen_topic)}")
        console.print(f"follow it with: strongroom restore status {restore_id} --wait")
        return
    errors.print(f"restore {restore_id} accepted; following it (Ctrl-C stops watching only)")
    _watch_and_report(client, restore_id, timeout, poll_seconds, as_json=as_json)


@app.command("status")
def status(
    restore_id: Annotated[str, typer.Argument(help="The restore id `restore request` printed.")],
    wait: WaitOption = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT_SECONDS,
    poll_seconds: PollOption = DEFAULT_POLL_SECONDS,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    insecure: InsecureOption = False,
    state_dir: StateDirOption = DEFAULT_STATE,
) -> None:
    """A restore request (GET /restores/{restore_id}): status, counts, notification, each file.

    Exit 0 unless it ended PARTIAL or FAILED (1) or --wait timed out first (2).
    """
    try:
        restore_id = restore_id_argument(restore_id)
    except OptionError as error:
        raise fail(escape(str(error))) from error
    client = deep_archive_api(api_url, state_dir, scope="restore", insecure=insecure)
    if wait:
        _watch_and_report(client, restore_id, timeout, poll_seconds, as_json=as_json)
        return
    body = _fetch_restore(client, restore_id)
    _report(body, as_json=as_json)
    code = restore_exit_code(str(body.get("status")))
    if code:
        raise typer.Exit(code)


def _watch_and_report(
    client: ApiClient, restore_id: str, timeout: float, poll_seconds: float, *, as_json: bool
) -> None:
    try:
        with RestoreProgress(errors) as progress:
            final, timed_out = follow(
                lambda: _fetch_restore(client, restore_id, while_following=True),
                progress.update,
                is_final,
                interval=poll_seconds,
                timeout=timeout,
            )
    except KeyboardInterrupt:
        errors.print(_goes_on(restore_id).strip())
        raise typer.Exit(INTERRUPTED) from None
    _report(final, as_json=as_json)
    code = restore_exit_code(str(final.get("status")), timed_out=timed_out)
    if timed_out:
        errors.print(f"still {final.get('status')} after {timeout:g}s:{_goes_on(restore_id)}")
    elif code:
        errors.print(f"[bold red]restore {restore_id} ended {final.get('status')}[/]")
    if code:
        raise typer.Exit(code)


def _report(body: RestoreBody, *, as_json: bool) -> None:
    if as_json:
        console.print_json(data=dict(body))
    else:
        console.print(restore_report(body))


def _goes_on(restore_id: str) -> str:
    return f" restore {restore_id} goes on: strongroom restore status {restore_id} --wait"


def _read_project(
    name: str, api_url: str | None, table_name: str | None, state_dir: Path
) -> Project | None:
    if table_name is None and api_url is not None:
        raise OptionError(
            "with --api-url give --topic, or --table-name to read the project's registered topic"
        )
    try:
        return project_store(table_name, state_dir).get(name)
    except (BotoCoreError, ClientError) as error:
        raise OptionError(f"could not read project {name!r} for its topic: {error}") from error


def _fetch_restore(
    client: ApiClient, restore_id: str, *, while_following: bool = False
) -> RestoreBody:
    # The restore does not depend on anyone watching it: say so when the watch breaks off.
    hint = _goes_on(restore_id) if while_following else ""
    answer = _call(lambda: client.get("restores", restore_id), expected=200, hint=hint)
    body: RestoreBody = answer.body
    return body


def _call(send: Callable[[], ApiResponse], *, expected: int, hint: str = "") -> ApiResponse:
    return call_api(send, expected=expected, describe=restore_error_message, hint=hint)
