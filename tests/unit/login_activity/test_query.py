"""The query handler: 200 in the seed's shape newest first, 404 and 422 that explain."""

from __future__ import annotations

import json
from typing import Any

import pytest

from strongroom.login_activity import wiring
from strongroom.login_activity.adapters.in_memory_activity_store import InMemoryActivityStore
from strongroom.login_activity.domain.activity import ServiceAccess, UserActivity
from strongroom.login_activity.domain.events import LoginEvent
from strongroom.login_activity.domain.merge import merge_activity
from strongroom.login_activity.handlers import query
from tests.unit.login_activity.support import http_get, lambda_context, login


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryActivityStore:
    store = InMemoryActivityStore()
    monkeypatch.setattr(wiring, "activity_store", lambda: store)
    return store


def record(store: InMemoryActivityStore, user_id: str, *bodies: dict[str, str]) -> None:
    events = [LoginEvent.model_validate({**body, "user_id": user_id}) for body in bodies]
    store.save(merge_activity(user_id, None, events), None)


def get(raw_path: str, method: str = "GET") -> tuple[int, dict[str, str], Any]:
    response = query.handler(http_get(raw_path, method), lambda_context())
    return int(response["statusCode"]), response["headers"], json.loads(response["body"])


def test_a_users_services_come_in_the_seeds_shape_newest_first(
    store: InMemoryActivityStore,
) -> None:
    record(
        store,
        "123456789",
        login(
            service_id="ghijkl",
            service_name="Another service name",
            timestamp="2022-07-03T10:23:45Z",
        ),
        login(service_id="abcdef", service_name="A service name", timestamp="2022-08-04T08:50:39Z"),
    )

    status, headers, body = get("/users/123456789/services")

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body == {
        "user_id": "123456789",
        "services": [
            {
                "service_id": "abcdef",
                "service_name": "A service name",
                "last_accessed": "2022-08-04T08:50:39Z",
            },
            {
                "service_id": "ghijkl",
                "service_name": "Another service name",
                "last_accessed": "2022-07-03T10:23:45Z",
            },
        ],
    }


def test_the_version_attribute_is_not_returned(store: InMemoryActivityStore) -> None:
    record(store, "u1", login())

    _, _, body = get("/users/u1/services")

    assert set(body) == {"user_id", "services"}
    assert set(body["services"][0]) == {"service_id", "service_name", "last_accessed"}


def test_a_record_stored_out_of_order_is_still_answered_newest_first(
    store: InMemoryActivityStore,
) -> None:
    older = ServiceAccess(
        service_id="old", service_name="Old", last_accessed="2020-01-01T00:00:00Z"
    )
    newer = ServiceAccess(
        service_id="new", service_name="New", last_accessed="2021-01-01T00:00:00Z"
    )
    store.save(UserActivity(user_id="legacy", services=(older, newer)), None)

    _, _, body = get("/users/legacy/services")

    assert [service["service_id"] for service in body["services"]] == ["new", "old"]


def test_a_percent_encoded_oidc_subject_is_decoded(store: InMemoryActivityStore) -> None:
    record(store, "auth0|alice", login())

    status, _, body = get("/users/auth0%7Calice/services")

    assert status == 200
    assert body["user_id"] == "auth0|alice"


def test_an_unknown_user_is_a_404_that_says_so(store: InMemoryActivityStore) -> None:
    status, _, body = get("/users/nobody/services")

    assert status == 404
    assert body == {"message": "no login activity for user 'nobody'", "user_id": "nobody"}


@pytest.mark.parametrize(
    ("raw_path", "rule"),
    [
        pytest.param("/users/bad%20user%20id%21/services", "string_pattern_mismatch", id="space"),
        pytest.param("/users/a%2Fb/services", "string_pattern_mismatch", id="encoded slash"),
        pytest.param("/users/a%257C/services", "string_pattern_mismatch", id="double encoded"),
        pytest.param(f"/users/{'a' * 129}/services", "too_long", id="129 characters"),
    ],
)
def test_a_user_id_outside_the_rule_is_a_422_naming_field_and_rule(
    store: InMemoryActivityStore, raw_path: str, rule: str
) -> None:
    status, _, body = get(raw_path)

    assert status == 422
    assert [(problem["loc"], problem["type"]) for problem in body["detail"]] == [
        (["path", "user_id"], rule)
    ]
    assert body["message"].startswith(f"invalid request: path.user_id: {body['detail'][0]['msg']}")
    assert "bad user" not in body["message"]  # the rejected input is not echoed


def test_the_longest_valid_user_id_is_accepted(store: InMemoryActivityStore) -> None:
    status, _, _ = get(f"/users/{'a' * 128}/services")

    assert status == 404


@pytest.mark.parametrize(
    ("raw_path", "method"),
    [
        ("/users/123456789", "GET"),
        ("/users/123456789/services/abcdef", "GET"),
        ("/users//services", "GET"),
        ("/users/123456789/services", "POST"),
        ("/users/123456789/services", "DELETE"),
        ("/", "GET"),
    ],
)
def test_any_other_route_is_the_resolvers_404(
    store: InMemoryActivityStore, raw_path: str, method: str
) -> None:
    record(store, "123456789", login())

    status, _, body = get(raw_path, method)

    assert status == 404
    assert body == {"statusCode": 404, "message": "Not found"}
