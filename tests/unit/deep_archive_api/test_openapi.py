"""The committed OpenAPI document is the one the resolver generates."""

from __future__ import annotations

import json
from pathlib import Path

from strongroom.deep_archive.openapi import TITLE, openapi_document

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi" / "deep_archive.json"


def test_the_committed_document_matches_the_routes() -> None:
    assert COMMITTED.read_text() == openapi_document(), (
        "docs/openapi/deep_archive.json is stale: run "
        "`python -m strongroom.deep_archive.openapi > docs/openapi/deep_archive.json`"
    )


def test_the_document_describes_the_archive_routes_with_their_answers() -> None:
    document = json.loads(openapi_document())

    assert document["info"]["title"] == TITLE == "strongroom deep_archive"
    archive = document["paths"]["/archive"]["post"]
    assert sorted(archive["responses"]) == ["202", "400", "401", "403", "409", "422", "502", "503"]
    assert archive["security"] == [{"jwt": ["deep_archive/archive"]}]
    assert archive["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ArchiveRequest"
    }
    job = document["paths"]["/jobs/{job_id}"]["get"]
    assert sorted(job["responses"]) == ["200", "401", "403", "404", "422"]
    assert job["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JobView"
    }


def test_a_routes_own_403_also_admits_the_gateways() -> None:
    archive = json.loads(openapi_document())["paths"]["/archive"]["post"]

    schema = archive["responses"]["403"]["content"]["application/json"]["schema"]
    assert [choice["$ref"].rsplit("/", 1)[1] for choice in schema["anyOf"]] == [
        "NotRegisteredProblem",
        "ScopeProblem",
        "GatewayMessage",
    ]
    assert archive["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/GatewayMessage"
    }
