"""``strongroom triggers`` refuses broken options before it reaches any stack or AWS."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from strongroom.cli import app


def triggers(tmp_path: Path, *args: str) -> Result:
    state = ["--state-dir", str(tmp_path / "no-stack")]
    return CliRunner().invoke(app, ["triggers", *args, *state], catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--date", "2026-12-03", "--from", "2026-12-01"], "give --date or --from/--to"),
        (["run", "--from", "2026-12-01"], "--from needs --to"),
        (["run", "--from", "2026-12-03", "--to", "2026-12-01"], "is before --from"),
        (["run", "--from", "2024-01-01", "--to", "2025-01-01"], "at most 366"),
        (["run", "--client", "-1"], "--client: -1 is not a client id"),
        (["list", "--date", "yesterday"], "--date: 'yesterday' is not a date"),
        (["show", "1001", "2026-13-01"], "DATE: '2026-13-01' is not a calendar date"),
    ],
)
def test_a_broken_option_exits_1_naming_it(tmp_path: Path, args: list[str], message: str) -> None:
    result = triggers(tmp_path, *args)

    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert "endpoints.json" not in result.output


def test_without_a_running_stack_the_command_says_how_to_start_one(tmp_path: Path) -> None:
    result = triggers(tmp_path, "run", "--date", "2026-12-03")

    assert result.exit_code == 1
    assert "start the local stack with `strongroom up`" in " ".join(result.output.split())
