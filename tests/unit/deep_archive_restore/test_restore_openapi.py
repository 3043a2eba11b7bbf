"""The restore routes are documented with every answer a caller can get, and their scopes."""

from __future__ import annotations

import json

from strongroom.deep_archive.openapi import openapi_document


def test_restore_routes_are_documented_with_their_answers_and_scopes() -> None:
    paths = json.loads(openapi_document())["paths"]
    restore = paths["/restore"]["post"]
    assert sorted(restore["responses"]) == ["202", "400", "401", "403", "404", "409", "422"]
    assert restore["security"] == [{"jwt": ["deep_archive/restore"]}]
    assert restore["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RestoreRequest"
    }
    status = paths["/restores/{restore_id}"]["get"]
    assert sorted(status["responses"]) == ["200", "401", "403", "404", "422"]
    assert status["security"] == [{"jwt": ["deep_archive/read"]}]
