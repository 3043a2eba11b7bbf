"""The seed's own commands against the local stack, with only ``--endpoint-url`` added, and the
schedule the template creates fired with ``strongroom schedule run``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from strongroom.local.standins.dex_api import DexApiStandIn
from tests.e2e.aws_cli import aws_cli
from tests.e2e.trigger_archive.helpers import (
    aws_cli_text,
    ids_archived_for,
    key_for,
    listed_keys,
)

pytestmark = pytest.mark.e2e
SEED_FUNCTION = "dex-trigger-response-archive"


def _strongroom(local_stack: LocalStack, *args: str) -> Any:
    state = ["--state-dir", str(local_stack.options.state_dir)]
    result = CliRunner().invoke(app, [*args, *state], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_seeds_invoke_with_an_empty_event_archives_exactly_the_clients_its_query_selects(
    endpoints: Endpoints,
    function_name: str,
    bucket: str,
    selected: dict[int, str],
    dex: DexApiStandIn,
    tmp_path: Path,
) -> None:
    assert function_name == SEED_FUNCTION
    before = datetime.now(UTC).date()

    printed = aws_cli(
        endpoints,
        *("lambda", "invoke", "--function-name", SEED_FUNCTION, "--payload", "{}"),
        str(tmp_path / "response.json"),
    )

    after = datetime.now(UTC).date()
    answer = json.loads((tmp_path / "response.json").read_text())
    assert printed == {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
    assert answer["statusCode"] == 200
    body = answer["body"]
    assert body["total_clients"] == body["successful_archives"] == len(selected)
    assert (body["failed_archives"], body["errors"]) == (0, [])
    day = date.fromisoformat(body["trigger_date"])
    assert day in {before, after}  # today in the template's timezone (UTC)
    listing = aws_cli_text(endpoints, "s3", "ls", f"s3://{bucket}/trigger/", "--recursive")
    assert ids_archived_for(listed_keys(listing), day) == set(selected)


def test_the_schedule_fired_by_strongroom_archives_the_day_it_was_scheduled_for(
    local_stack: LocalStack,
    aws: Any,
    function_name: str,
    bucket: str,
    selected: dict[int, str],
    dex: DexApiStandIn,
) -> None:
    (schedule,) = [
        row
        for row in _strongroom(local_stack, "schedule", "list", "--json")
        if row["function"] == function_name
    ]
    assert schedule["expression"] == "cron(30 20 ? * MON-FRI *)"

    answer = _strongroom(local_stack, "schedule", "run", schedule["name"])

    (fired,) = [
        row
        for row in _strongroom(local_stack, "schedule", "list", "--json")
        if row["name"] == schedule["name"]
    ]
    scheduled_at = datetime.fromisoformat(fired["last_fired"])
    day = scheduled_at.astimezone(ZoneInfo(schedule["timezone"])).date()
    assert answer["statusCode"] == 200
    assert answer["body"]["trigger_date"] == day.isoformat()
    assert answer["body"]["successful_archives"] == len(selected)
    s3 = aws("s3")
    for client_id in selected:
        head = s3.head_object(Bucket=bucket, Key=key_for(client_id, day))
        assert head["Metadata"]["trigger-date"] == day.isoformat()
