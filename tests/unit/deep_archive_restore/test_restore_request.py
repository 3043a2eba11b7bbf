"""The restore body: the seed's fields, one way of naming files, clear errors."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from strongroom.deep_archive.domain.restores import MAX_FILES_PER_REQUEST, RestoreRequest

from .archives import TOPIC

SEED_BODY = {
    "project_name": "demo",
    "filename": "5000_20240517_003.csv",
    "account": "123456789012",
    "region": "eu-west-1",
    "retrieval_tier": "Standard",
    "sns_topic_arn": TOPIC,
}


def _errors(body: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as raised:
        RestoreRequest.model_validate(body)
    return [(error["loc"], error["msg"]) for error in raised.value.errors()]


def test_the_seeds_body_is_accepted() -> None:
    request = RestoreRequest.model_validate(SEED_BODY)
    assert request.references == ["5000_20240517_003.csv"]


def test_files_are_deduplicated_in_order() -> None:
    body = {**SEED_BODY, "filename": None, "files": ["b.csv", "a/b.csv", "b.csv"]}
    assert RestoreRequest.model_validate(body).references == ["b.csv", "a/b.csv"]


@pytest.mark.parametrize(
    "selectors",
    [{}, {"files": ["a.csv"]}, {"prefix": "2025/"}],
    ids=["none", "filename+files", "filename+prefix"],
)
def test_exactly_one_way_of_naming_files(selectors: dict[str, Any]) -> None:
    body = {key: value for key, value in SEED_BODY.items() if key != "filename"}
    if selectors != {}:
        body = {**SEED_BODY, **selectors}
    [(_, message)] = _errors(body)
    assert "exactly one of filename, files or prefix" in message


def test_bucket_name_only_with_a_prefix() -> None:
    [(_, message)] = _errors({**SEED_BODY, "bucket_name": "source-bucket"})
    assert "bucket_name" in message


def test_too_many_files_name_the_field() -> None:
    files = [f"f{index}.csv" for index in range(MAX_FILES_PER_REQUEST + 1)]
    [(loc, message)] = _errors({**SEED_BODY, "filename": None, "files": files})
    assert loc == ("files",)
    assert str(MAX_FILES_PER_REQUEST) in message


@pytest.mark.parametrize(
    ("field", "value"),
    [("sns_topic_arn", "ARN"), ("account", "1234567890"), ("region", "mars"), ("filename", " ")],
)
def test_malformed_fields_are_named(field: str, value: str) -> None:
    [(loc, _)] = _errors({**SEED_BODY, field: value})
    assert loc == (field,)


def test_unknown_fields_are_refused() -> None:
    [(loc, _)] = _errors({**SEED_BODY, "email": "ops@example.com"})
    assert loc == ("email",)
