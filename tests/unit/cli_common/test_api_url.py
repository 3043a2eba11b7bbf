"""The CLI sends the access token over plain http:// only to loopback, unless --insecure."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.cli.common import TOKEN_VARIABLE, api_client


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_VARIABLE, "secret-token")


COMMANDS = [
    ["logins", "show", "u-1"],
    ["archive", "submit", "--project", "p", "--bucket", "bucket", "--prefix", "x", "--no-wait"],
    ["archive", "status", "00000000-0000-4000-8000-000000000001"],
    ["restore", "status", "00000000-0000-4000-8000-000000000001"],
]


def run(*args: str, tmp_path: Path) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "300"}).invoke(
        app, [*args, "--state-dir", str(tmp_path)], catch_exceptions=False
    )
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command[:2]))
@pytest.mark.parametrize("url", ["http://api.example.com", "http://10.0.0.5:8080/prod"])
def test_plain_http_to_another_host_is_refused_naming_the_url_and_the_option(
    command: list[str], url: str, tmp_path: Path
) -> None:
    code, output = run(*command, "--api-url", url, tmp_path=tmp_path)

    assert code == 1
    assert url in output
    assert "--insecure" in output
    assert "SocketBlocked" not in output


@pytest.mark.parametrize("url", ["ftp://api.example.com", "file:///etc/passwd", "api.example.com"])
def test_a_url_that_is_not_http_is_refused(url: str, tmp_path: Path) -> None:
    code, output = run("logins", "show", "u-1", "--api-url", url, tmp_path=tmp_path)

    assert code == 1
    assert url in output


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/prod",
        "http://127.0.0.1:8080",
        "http://127.9.9.9/",
        "http://localhost:3000",
        "http://[::1]:8080/",
    ],
)
def test_https_or_loopback_http_is_accepted(url: str, tmp_path: Path) -> None:
    client = api_client(url, tmp_path, system="login_activity", scopes="scope x")

    assert client.base_url == url
    assert client.token == "secret-token"


def test_insecure_allows_plain_http_to_another_host(tmp_path: Path) -> None:
    client = api_client(
        "http://api.example.com", tmp_path, system="x", scopes="scope x", insecure=True
    )

    assert client.base_url == "http://api.example.com"


def test_the_option_is_offered_by_every_command_that_takes_an_api_url(tmp_path: Path) -> None:
    for command in [*COMMANDS, ["restore", "request"]]:
        code, output = run(*command[:2], "--help", tmp_path=tmp_path)
        assert code == 0
        assert "--insecure" in output, command
