"""What every command shares: the console, the state folder, clients for the target AWS."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import boto3
import typer
from botocore.config import Config
from rich.console import Console

from strongroom.local.api_client import ApiClient
from strongroom.local.control_client import ControlError, call
from strongroom.local.emulator import LOCAL_CREDENTIALS
from strongroom.local.endpoints import DEFAULT_STATE_DIR, Endpoints, read_endpoints
from strongroom.local.loopback import is_loopback

console = Console()
errors = Console(stderr=True)

StateDirOption = Annotated[
    Path,
    typer.Option(
        "--state-dir", help="Folder for the local stack's state (endpoints.json, logs, keys)."
    ),
]
DEFAULT_STATE = DEFAULT_STATE_DIR
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
FunctionOption = Annotated[
    str | None,
    typer.Option(
        help="Function name on AWS; without it (and without --aws) the running local "
        "stack's function.",
        show_default=False,
    ),
]
InsecureOption = Annotated[
    bool,
    typer.Option(
        "--insecure",
        help="Send the access token to --api-url over plain http:// even when the host is not "
        "loopback (anyone on the way can read and reuse it).",
    ),
]
# Where commands that call an API on AWS find their access token.
TOKEN_VARIABLE = "STRONGROOM_TOKEN"  # noqa: S105 - the variable's name, not a token


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def running_stack(state_dir: Path) -> Endpoints:
    try:
        return read_endpoints(state_dir)
    except FileNotFoundError as error:
        raise fail(str(error)) from error


def control(state_dir: Path, method: str, path: str) -> Any:
    """The running local stack's control API's answer to ``method path``, or exit 1 saying why."""
    try:
        return call(running_stack(state_dir), method, path)
    except ControlError as error:
        raise fail(str(error)) from error


def stack_output(endpoints: Endpoints, system: str, name: str) -> str:
    """One of a system's template outputs in the running local stack, or a clear error."""
    value = endpoints.outputs.get(system, {}).get(name)
    if not isinstance(value, str):
        raise fail(f"the local stack has no {system} output {name}: is the stack current?")
    return value


def local_client(endpoints: Endpoints, service: str, config: Config | None = None) -> Any:
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoints.aws_endpoint_url,
        region_name=endpoints.region,
        config=config,
        **LOCAL_CREDENTIALS,
    )


def named_or_local(
    name: str | None, state_dir: Path, *, system: str, output: str, service: str
) -> tuple[str, Any]:
    """The resource ``name`` on AWS and a client for it, or the running local stack's
    ``output`` of ``system`` and a local client."""
    if name is not None:  # real AWS, from the standard credential chain
        return name, boto3.session.Session().client(service)  # type: ignore[call-overload]
    endpoints = running_stack(state_dir)
    return stack_output(endpoints, system, output), local_client(endpoints, service)


def checked_api_url(api_url: str, *, insecure: bool = False) -> str:
    """``api_url`` if a bearer token may be sent to it: https://, or http:// to a loopback host
    (127.0.0.0/8, ::1, localhost), or http:// anywhere with ``insecure``; else exit 1 saying so."""
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise fail(f"--api-url {api_url} is not an http:// or https:// URL")
    if parts.scheme == "http" and not insecure and not is_loopback(parts.hostname):
        raise fail(
            f"refusing to send the access token to {api_url} over plain http://: "
            "use https://, or pass --insecure to send it unencrypted anyway"
        )
    return api_url


def api_client(
    api_url: str | None, state_dir: Path, *, system: str, scopes: str, insecure: bool = False
) -> ApiClient:
    """The API at ``api_url`` with the user's token, or the local stack's with its dev token;
    ``scopes`` names what the token needs ("scope x/read"). The token goes over plain http://
    only to loopback, unless ``insecure`` (see :func:`checked_api_url`)."""
    if api_url is not None:
        checked_api_url(api_url, insecure=insecure)
        token = os.environ.get(TOKEN_VARIABLE, "")
        if not token:
            raise fail(f"set {TOKEN_VARIABLE} to an access token with {scopes}")
        return ApiClient(api_url, token)
    endpoints = running_stack(state_dir)
    return ApiClient(stack_output(endpoints, system, "ApiUrl"), endpoints.token)
