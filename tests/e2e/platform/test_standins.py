"""A started stack lists its non-AWS stand-ins in endpoints.json, and they answer there."""

from __future__ import annotations

import base64
import json
import sqlite3
import stat
import urllib.request
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from strongroom.local.stack import LocalStack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def listed(local_stack: LocalStack) -> dict[str, Any]:
    path = local_stack.options.state_dir / "endpoints.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the stand-ins' credentials
    standins: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["standins"]
    return standins


def _json(request: urllib.request.Request) -> Any:
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


def test_the_dex_api_stand_in_issues_tokens_and_answers_trigger_calls(
    listed: dict[str, Any],
) -> None:
    dex = listed["dex_api"]
    credentials = base64.b64encode(f"{dex['client_id']}:{dex['client_secret']}".encode())
    token = _json(
        urllib.request.Request(
            dex["token_url"],
            data=urlencode({"grant_type": "client_credentials", "scope": dex["scope"]}).encode(),
            headers={
                "Authorization": f"Basic {credentials.decode()}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
    )["access_token"]

    body = _json(
        urllib.request.Request(
            f"{dex['trigger_url']}?clientId=1001&triggerDate=2024-11-27",
            headers={"Authorization": f"Bearer {token}"},
        )
    )
    stats = _json(
        urllib.request.Request(
            f"{dex['control_url']}/stats", headers={dex["control_header"]: dex["control_secret"]}
        )
    )

    assert body["clientId"] == 1001
    assert stats["tokens_issued"] >= 1


def test_the_mediant_stand_in_is_a_sqlite_file_in_the_state_dir(
    listed: dict[str, Any], local_stack: LocalStack
) -> None:
    database = listed["mediant_db"]
    path = Path(database["path"])

    assert path == (local_stack.options.state_dir / "mediant.sqlite").resolve()
    assert database["url"] == f"sqlite:///{path}"
    with closing(sqlite3.connect(path)) as connection:
        (count,) = connection.execute(
            "SELECT COUNT(DISTINCT c.ClientID) FROM Client c"
            " JOIN ClientServiceExt cs ON c.ClientID = cs.ClientID"
            " WHERE c.OAuth2ClientCredentialsID IS NOT NULL AND cs.ServiceID IN (2,8,3,4,5)"
        ).fetchone()
    assert count >= 8


def test_start_up_logs_each_stand_in_url_and_no_secret(
    listed: dict[str, Any], invocation_log: list[str]
) -> None:
    dex = listed["dex_api"]

    assert any(dex["base_url"] in line and "dex_api" in line for line in invocation_log)
    assert any(listed["mediant_db"]["url"] in line for line in invocation_log)
    assert not any(
        dex["client_secret"] in line or dex["control_secret"] in line for line in invocation_log
    )
