"""Login event validation: every field, every rule, and why a body is rejected."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from strongroom.login_activity.domain.events import LoginEvent, RejectedEvent, parse_login_event
from tests.unit.login_activity.support import SEED_BODY, login


def errors_of(body: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as raised:
        LoginEvent.model_validate(body)
    return [(error["loc"], error["type"]) for error in raised.value.errors()]


def test_the_seeds_event_is_valid_and_unchanged() -> None:
    event = LoginEvent.model_validate(SEED_BODY)

    assert event.model_dump() == SEED_BODY


@pytest.mark.parametrize(
    "subject",
    [
        "123456789",
        "auth0|abc123",
        "google-oauth2|104938572093847561234",
        "3f2b9c1e-5d7a-4b8e-9f10-2a3b4c5d6e7f",
        "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "f:9a8b7c6d:jane.doe",
        "jane.doe+test@example.com",
        "a" * 128,
    ],
)
def test_typical_oidc_subjects_and_service_ids_are_accepted(subject: str) -> None:
    event = LoginEvent.model_validate(login(user_id=subject, service_id=subject))

    assert (event.user_id, event.service_id) == (subject, subject)


@pytest.mark.parametrize("field", ["user_id", "service_id"])
@pytest.mark.parametrize(
    ("value", "rule"),
    [
        pytest.param("", "string_too_short", id="empty"),
        pytest.param("a" * 129, "string_too_long", id="129 characters"),
        pytest.param("has space", "string_pattern_mismatch", id="space"),
        pytest.param("a/b", "string_pattern_mismatch", id="slash"),
        pytest.param("abc\n", "string_pattern_mismatch", id="trailing newline"),
        pytest.param("jürgen", "string_pattern_mismatch", id="non-ASCII"),
        pytest.param("a\x00b", "string_pattern_mismatch", id="control character"),
        pytest.param(123456789, "string_type", id="number"),
        pytest.param(None, "string_type", id="null"),
    ],
)
def test_identifiers_outside_the_rule_are_rejected_naming_field_and_rule(
    field: str, value: Any, rule: str
) -> None:
    assert errors_of({**SEED_BODY, field: value}) == [((field,), rule)]


@pytest.mark.parametrize("field", ["user_id", "service_id", "service_name", "timestamp"])
def test_every_field_is_required(field: str) -> None:
    body = {name: value for name, value in SEED_BODY.items() if name != field}

    assert errors_of(body) == [((field,), "missing")]


def test_a_service_name_is_stripped_of_surrounding_whitespace() -> None:
    event = LoginEvent.model_validate(login(service_name="  Payroll portal \n"))

    assert event.service_name == "Payroll portal"


def test_a_service_name_may_be_256_characters_and_any_script() -> None:
    name = "Ä" + "x" * 254 + "語"

    assert LoginEvent.model_validate(login(service_name=name)).service_name == name


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        pytest.param("", "string_too_short", id="empty"),
        pytest.param(" \t ", "string_too_short", id="whitespace only"),
        pytest.param("x" * 257, "string_too_long", id="257 characters"),
        pytest.param(42, "string_type", id="number"),
    ],
)
def test_service_names_outside_the_rule_are_rejected(value: Any, rule: str) -> None:
    assert errors_of(login(service_name=value)) == [(("service_name",), rule)]


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        pytest.param(1659603039, "string_type", id="epoch number"),
        pytest.param(1659603039.5, "string_type", id="epoch float"),
        pytest.param("1659603039", "timestamp_format", id="epoch as text"),
        pytest.param("2022-08-04", "timestamp_without_time", id="date without time"),
        pytest.param("2022-08-04T08:50:39", "timestamp_without_zone", id="naive"),
        pytest.param("2022-08-04T08:50:39.5", "timestamp_without_zone", id="naive fraction"),
        pytest.param("2022-08-04 08:50:39Z", "timestamp_format", id="space separator"),
        pytest.param("2022-08-04T08:50Z", "timestamp_format", id="no seconds"),
        pytest.param("2022-08-04T08:50:39+0200", "timestamp_format", id="offset without colon"),
        pytest.param("Thu, 04 Aug 2022 08:50:39 GMT", "timestamp_format", id="RFC 1123"),
        pytest.param("2022-13-04T08:50:39Z", "timestamp_out_of_range", id="month 13"),
        pytest.param("2022-02-30T08:50:39Z", "timestamp_out_of_range", id="30 February"),
        pytest.param("2022-08-04T24:00:00Z", "timestamp_out_of_range", id="hour 24"),
        pytest.param("2022-08-04T08:50:39+24:00", "timestamp_out_of_range", id="offset 24h"),
        pytest.param("0001-01-01T00:00:00+01:00", "timestamp_out_of_range", id="before year 1"),
        pytest.param(
            "\u0662\u0660\u0662\u0662-08-04T08:50:39Z", "timestamp_format", id="non-ASCII digits"
        ),
    ],
)
def test_timestamps_that_name_no_single_instant_are_rejected(value: Any, rule: str) -> None:
    assert errors_of(login(timestamp=value)) == [(("timestamp",), rule)]


def test_a_timestamp_error_says_what_is_expected() -> None:
    with pytest.raises(ValidationError) as raised:
        LoginEvent.model_validate(login(timestamp="2022-08-04T08:50:39"))

    (error,) = raised.value.errors()
    assert error["msg"].startswith("has no time zone: expected an ISO 8601 date-time")
    assert "2022-08-04T08:50:39Z" in error["msg"]


def test_extra_fields_are_ignored() -> None:
    event = LoginEvent.model_validate({**SEED_BODY, "session_id": "s-1", "acr": 2})

    assert event.model_dump() == SEED_BODY


def test_the_timestamp_is_normalised_to_utc() -> None:
    event = LoginEvent.model_validate(login(timestamp="2022-08-04T10:50:39.120+02:00"))

    assert event.timestamp == "2022-08-04T08:50:39.12Z"


def test_a_valid_body_parses_to_its_event() -> None:
    assert parse_login_event(json.dumps(SEED_BODY)) == LoginEvent.model_validate(SEED_BODY)


@pytest.mark.parametrize(
    ("body", "kind", "reason"),
    [
        ("this is not JSON", "not_json", "body is not JSON: Expecting value"),
        ("", "not_json", "body is not JSON"),
        ('{"user_id": "1",', "not_json", "body is not JSON"),
        ('["not", "an", "object"]', "not_an_object", "not an object (got an array)"),
        ('"123456789"', "not_an_object", "not an object (got a string)"),
        ("42", "not_an_object", "not an object (got a number)"),
        ("null", "not_an_object", "not an object (got null)"),
    ],
)
def test_a_body_that_is_no_json_object_is_rejected_with_its_kind(
    body: str, kind: str, reason: str
) -> None:
    with pytest.raises(RejectedEvent) as raised:
        parse_login_event(body)

    assert raised.value.kind == kind
    assert reason in raised.value.reason


def test_an_invalid_event_is_rejected_naming_every_field_and_rule() -> None:
    body = json.dumps(login(user_id="has space", timestamp="2022-08-04T08:50:39"))

    with pytest.raises(RejectedEvent) as raised:
        parse_login_event(body)

    assert raised.value.kind == "invalid_event"
    assert raised.value.reason == (
        "user_id: String should match pattern '^[A-Za-z0-9._:@|+-]+$' [string_pattern_mismatch]; "
        "timestamp: has no time zone: expected an ISO 8601 date-time with seconds and a zone "
        "(Z or ±HH:MM), e.g. 2022-08-04T08:50:39Z [timestamp_without_zone]"
    )
