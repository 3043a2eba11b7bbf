"""Commands refuse bad options before reaching for the stack, the API or AWS."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from strongroom.cli import app


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["archive", *args])
    return result.exit_code, result.output


@pytest.fixture
def no_stack(tmp_path: Path) -> list[str]:
    """A state folder without endpoints.json: any attempt to use the stack fails loudly."""
    return ["--state-dir", str(tmp_path)]


def test_a_bad_project_name_is_refused_naming_the_argument(no_stack: list[str]) -> None:
    code, output = run(
        "project", "put", "Finance", "--source-bucket", "finance-src", "--prefix", "d/", *no_stack
    )

    assert code == 1
    assert "NAME:" in output
    assert "'Finance'" in output
    assert "strongroom up" not in output


def test_a_bad_storage_class_is_refused_listing_the_allowed(no_stack: list[str]) -> None:
    code, output = run(
        "project",
        "put",
        "finance",
        "--source-bucket",
        "finance-src",
        "--prefix",
        "d/",
        "--storage-class",
        "STANDARD",
        *no_stack,
    )

    assert code == 1
    assert "--storage-class:" in output
    assert "GLACIER_IR" in output


def test_a_project_needs_a_prefix(no_stack: list[str]) -> None:
    code, output = run("project", "put", "finance", "--source-bucket", "finance-src", *no_stack)

    assert code == 2
    assert "--prefix" in output


def test_a_valid_project_without_a_running_stack_says_to_start_it(no_stack: list[str]) -> None:
    code, output = run(
        "project", "put", "finance", "--source-bucket", "finance-src", "--prefix", "", *no_stack
    )

    assert code == 1
    assert "strongroom up" in output


def test_submit_refuses_bad_options_before_calling_the_api(no_stack: list[str]) -> None:
    code, output = run(
        "submit", "--project", "finance", "--bucket", "b-src", "--prefix", "d/", "--workers",
        "0", *no_stack,
    )  # fmt: skip

    assert code == 1
    assert "--workers:" in output
    assert "strongroom up" not in output


def test_submit_to_aws_needs_a_token(no_stack: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRONGROOM_TOKEN", raising=False)

    code, output = run(
        "submit", "--project", "finance", "--bucket", "b-src", "--prefix", "d/", "--api-url",
        "https://archive.example.com", *no_stack,
    )  # fmt: skip

    assert code == 1
    assert "STRONGROOM_TOKEN" in output


def test_status_without_a_running_stack_says_to_start_it(no_stack: list[str]) -> None:
    code, output = run("status", "3f1c2d3e-0000-4000-8000-000000000001", *no_stack)

    assert code == 1
    assert "strongroom up" in output


def test_estimate_refuses_bad_options_before_listing(no_stack: list[str]) -> None:
    code, output = run(
        "estimate", "--bucket", "b-src", "--prefix", "d/", "--archive-size", "0", *no_stack
    )

    assert code == 1
    assert "--archive-size:" in output
