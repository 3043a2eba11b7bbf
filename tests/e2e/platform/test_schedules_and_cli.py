"""Schedules from the templates, and the CLI talking to a running stack."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack

pytestmark = pytest.mark.e2e
TICKER = "platform_fixture.Ticker.Daily"
REPORTER = "platform_fixture.Reporter.Weekdays"


def _cli(local_stack: LocalStack, *args: str) -> Any:
    state = ["--state-dir", str(local_stack.options.state_dir)]
    return CliRunner().invoke(app, [*args, *state], catch_exceptions=False)


def test_schedule_list_shows_the_next_firing_in_utc(local_stack: LocalStack) -> None:
    result = _cli(local_stack, "schedule", "list", "--json")

    assert result.exit_code == 0, result.output
    (ticker,) = [row for row in json.loads(result.output) if row["name"] == TICKER]
    assert (ticker["expression"], ticker["timezone"]) == ("cron(0 3 10 * ? *)", "UTC")
    next_fire = datetime.fromisoformat(ticker["next_fire"])
    assert (next_fire.day, next_fire.hour, next_fire.minute) == (10, 3, 0)
    assert next_fire.utcoffset() == timedelta(0)


def test_schedule_run_fires_the_function_with_a_scheduled_event(
    local_stack: LocalStack, aws: Any, endpoints: Endpoints
) -> None:
    result = _cli(local_stack, "schedule", "run", TICKER)

    assert result.exit_code == 0, result.output
    fired = json.loads(result.output)["fired"]
    items = aws("dynamodb").scan(TableName=endpoints.outputs["platform_fixture"]["SeenTableName"])[
        "Items"
    ]
    ticks = [item for item in items if item["id"]["S"].startswith("tick:")]
    assert {"time": {"S": fired}, "detail_type": {"S": "Scheduled Event"}}.items() <= ticks[
        -1
    ].items()


def test_schedule_run_of_a_scheduler_schedule_sends_its_input_with_context_attributes(
    local_stack: LocalStack,
) -> None:
    listed = json.loads(_cli(local_stack, "schedule", "list", "--json").output)
    (reporter,) = [row for row in listed if row["name"] == REPORTER]
    assert reporter["timezone"] == "Europe/London"
    before = datetime.now(UTC).replace(microsecond=0)

    result = _cli(local_stack, "schedule", "run", REPORTER)

    assert result.exit_code == 0, result.output
    sent = json.loads(result.output)
    assert sent["attempt"] == "1"
    scheduled = datetime.strptime(sent["scheduled_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= scheduled <= datetime.now(UTC)
    next_fire = datetime.fromisoformat(reporter["next_fire"]).astimezone(ZoneInfo("Europe/London"))
    assert (next_fire.hour, next_fire.minute, next_fire.weekday() < 5) == (20, 30, True)


def test_schedule_run_of_an_unknown_name_fails_clearly(local_stack: LocalStack) -> None:
    result = _cli(local_stack, "schedule", "run", "no.such.schedule")

    assert result.exit_code == 1
    assert "no.such.schedule" in result.output


def test_token_command_mints_a_token_with_the_asked_scopes(
    local_stack: LocalStack, endpoints: Endpoints
) -> None:
    result = _cli(local_stack, "token", "--scope", "fixture/read", "--scope", "b")

    claims = jwt.decode(result.output.strip(), options={"verify_signature": False})
    assert claims["scope"] == "fixture/read b"
    assert claims["iss"] == endpoints.issuer
    assert claims["aud"] == endpoints.audience


def test_strongroom_up_writes_endpoints_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    state = tmp_path / "state"
    process = subprocess.Popen(
        [sys.executable, "-m", "strongroom.cli", "up", "--state-dir", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        deadline = time.monotonic() + 120
        while not (state / "endpoints.json").exists():
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "strongroom up did not become ready"
            time.sleep(0.2)
        endpoints = Endpoints.model_validate_json((state / "endpoints.json").read_text())
        assert endpoints.outputs["config_audit"]["AuditTableName"] == "Audit"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output.decode()
    assert not (state / "endpoints.json").exists()
