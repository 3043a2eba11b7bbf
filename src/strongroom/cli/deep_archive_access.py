"""How the deep_archive commands reach the system: its API and its Projects table.

Locally both come from the running stack's endpoints.json; on AWS the user names them
(``--api-url`` with a token in STRONGROOM_TOKEN, ``--table-name``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from strongroom.cli.common import TOKEN_VARIABLE, api_client, fail, named_or_local
from strongroom.deep_archive.public import DynamoDBProjectStore
from strongroom.local.api_client import ApiClient, ApiResponse, ApiUnreachableError

SYSTEM = "deep_archive"
INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C

ApiUrlOption = Annotated[
    str | None,
    typer.Option(
        help=f"Archive API base URL on AWS (token from {TOKEN_VARIABLE}); "
        "without it the local stack's API."
    ),
]


def project_store(table_name: str | None, state_dir: Path) -> DynamoDBProjectStore:
    """The named Projects table on AWS, or the running local stack's."""
    return DynamoDBProjectStore(
        *named_or_local(
            table_name, state_dir, system=SYSTEM, output="ProjectsTableName", service="dynamodb"
        )
    )


def deep_archive_api(
    api_url: str | None, state_dir: Path, *, scope: str, insecure: bool = False
) -> ApiClient:
    """The archive API; its token needs ``deep_archive/<scope>`` and ``deep_archive/read``."""
    scopes = f"scopes deep_archive/{scope} and deep_archive/read"
    return api_client(api_url, state_dir, system=SYSTEM, scopes=scopes, insecure=insecure)


def call_api(
    send: Callable[[], ApiResponse],
    *,
    expected: int,
    describe: Callable[[int, object], str],
    hint: str = "",
) -> ApiResponse:
    """The answer to ``send`` if it has the expected status; otherwise exit 1 saying why."""
    try:
        answer = send()
    except ApiUnreachableError as error:
        raise fail(escape(f"{error}{hint}")) from error
    if answer.status != expected or not isinstance(answer.body, dict):
        raise fail(escape(describe(answer.status, answer.body) + hint))
    return answer
