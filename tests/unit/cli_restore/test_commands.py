"""Commands refuse bad options before reaching for the stack, the Projects table or the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from strongroom.cli import app

from .support import words


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["restore", *args])
    return result.exit_code, words(result.output)


@pytest.fixture
def no_stack(tmp_path: Path) -> list[str]:
    """A state folder without endpoints.json: any attempt to use the stack fails loudly."""
    return ["--state-dir", str(tmp_path)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["demo"], "name the files to restore: NAMES (file names or keys) or --prefix"),
        (["demo", "a.csv", "--prefix", "2025/"], "give file NAMES or --prefix, not both"),
        (["demo", "a.csv", "--bucket", "src"], "--bucket narrows a --prefix restore"),
        (["demo", "a.csv", "--tier", "Fastest"], "--tier: 'Fastest' is not a retrieval tier"),
        (["demo", "a.csv", "--topic", "restores"], "--topic: String should match pattern"),
        (["Demo", "a.csv"], "PROJECT: String should match pattern"),
        (["demo", "a.csv", "--region", "Ireland"], "--region: String should match pattern"),
    ],
)
def test_bad_options_are_refused_naming_the_option(
    no_stack: list[str], args: list[str], expected: str
) -> None:
    code, output = run("request", *args, *no_stack)

    assert code == 1
    assert expected in output
    assert "strongroom up" not in output


def test_without_a_topic_on_aws_the_projects_table_or_topic_is_asked_for(
    no_stack: list[str],
) -> None:
    code, output = run(
        "request", "demo", "a.csv", "--api-url", "https://api.example.com", *no_stack
    )

    assert code == 1
    assert "with --api-url give --topic, or --table-name" in output


def test_on_aws_a_token_is_required(no_stack: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRONGROOM_TOKEN", raising=False)
    topic = "arn:aws:sns:eu-west-1:123456789012:restores"

    code, output = run(
        "request", "demo", "a.csv", "--topic", topic, "--api-url", "https://x.example", *no_stack
    )

    assert code == 1
    assert "set STRONGROOM_TOKEN" in output
    assert "deep_archive/restore" in output


def test_without_a_stack_the_user_is_told_to_start_it(no_stack: list[str]) -> None:
    code, output = run("request", "demo", "a.csv", *no_stack)

    assert code == 1
    assert "strongroom up" in output


def test_status_refuses_what_is_not_a_restore_id(no_stack: list[str]) -> None:
    code, output = run("status", "job-1", *no_stack)

    assert code == 1
    assert "RESTORE_ID: 'job-1' is not a restore id" in output
    assert "strongroom up" not in output
