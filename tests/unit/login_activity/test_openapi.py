"""The committed OpenAPI document is the one the query resolver generates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from strongroom.login_activity.openapi import openapi_document

REPO = Path(__file__).resolve().parents[3]
COMMITTED = REPO / "docs" / "openapi" / "login_activity.json"
REGENERATE = "python -m strongroom.login_activity.openapi > docs/openapi/login_activity.json"


def test_the_committed_document_is_up_to_date() -> None:
    assert COMMITTED.read_text() == openapi_document(), (
        f"docs/openapi/login_activity.json is stale; regenerate it with: {REGENERATE}"
    )


def test_the_document_describes_the_route_its_answers_and_its_security() -> None:
    document = json.loads(openapi_document())

    assert document["info"]["title"] == "strongroom login_activity"
    assert list(document["paths"]) == ["/users/{user_id}/services"]
    operation = document["paths"]["/users/{user_id}/services"]["get"]
    assert set(operation["responses"]) == {"200", "401", "403", "404", "422"}
    (parameter,) = operation["parameters"]
    assert parameter["schema"]["pattern"] == "^[A-Za-z0-9._:@|+-]+$"
    assert operation["security"] == [{"jwt": ["login_activity/read"]}]
    assert document["components"]["securitySchemes"]["jwt"]["bearerFormat"] == "JWT"
    schemas = document["components"]["schemas"]
    assert schemas["UserActivity"]["required"] == ["user_id", "services"]
    assert "version" not in schemas["UserActivity"]["properties"]
    assert schemas["ServiceAccess"]["properties"]["last_accessed"]["format"] == "date-time"
    assert schemas["NoLoginActivity"]["required"] == ["message", "user_id"]


def test_running_the_module_prints_the_document() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "strongroom.login_activity.openapi"],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    ).stdout

    assert printed == openapi_document()


def test_the_gateways_own_answers_are_documented_with_their_body() -> None:
    document = json.loads(openapi_document())
    responses = document["paths"]["/users/{user_id}/services"]["get"]["responses"]

    for status in ("401", "403"):
        assert responses[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/GatewayMessage"
        }
    assert document["components"]["schemas"]["GatewayMessage"]["required"] == ["message"]
