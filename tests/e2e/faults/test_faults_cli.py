"""`strongroom faults` against the running stack, and the control routes behind it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack

pytestmark = pytest.mark.e2e


def _cli(local_stack: LocalStack, *arguments: str) -> Any:
    state = ["--state-dir", str(local_stack.options.state_dir)]
    result = CliRunner().invoke(app, ["faults", *arguments, *state])
    assert result.exit_code == 0, result.output
    return result.output


def test_set_show_clear_round_trip(local_stack: LocalStack) -> None:
    rule = {"service": "sqs", "operation": "SendMessage", "error": "throttle", "fraction": 0.5}
    try:
        shown_set = json.loads(_cli(local_stack, "set", json.dumps(rule), "--seed", "9", "--json"))
        table = _cli(local_stack, "show")
    finally:
        _cli(local_stack, "clear")
    after = json.loads(_cli(local_stack, "show", "--json"))

    assert shown_set["seed"] == 9
    assert shown_set["rules"][0] | rule == shown_set["rules"][0]
    assert shown_set["rules"][0]["seen"] == 0
    assert "SendMessage" in table
    assert "throttle" in table
    assert after == {"seed": None, "rules": []}


def test_a_bad_rule_is_refused_and_changing_faults_needs_the_control_secret(
    endpoints: Endpoints, local_stack: LocalStack
) -> None:
    state = ["--state-dir", str(local_stack.options.state_dir)]
    refused = CliRunner().invoke(app, ["faults", "set", '{"error": "teapot"}', *state])
    unsigned = urllib.request.Request(f"{endpoints.control_url}/faults", method="DELETE")

    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(unsigned, timeout=10)

    assert refused.exit_code == 1
    assert "error" in refused.output
    assert denied.value.code == 401
