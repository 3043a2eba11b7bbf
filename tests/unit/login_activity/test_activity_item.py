"""The DynamoDB item: the seed's record shape plus a version, read back exactly."""

from __future__ import annotations

from typing import Any

import pytest

from strongroom.login_activity.adapters.activity_item import from_item, to_item
from strongroom.login_activity.adapters.activity_store import StoredActivity
from strongroom.login_activity.domain.activity import ServiceAccess, UserActivity

ACTIVITY = UserActivity(
    user_id="123456789",
    services=(
        ServiceAccess(
            service_id="abcdef",
            service_name="A service name",
            last_accessed="2022-08-04T08:50:39Z",
        ),
        ServiceAccess(
            service_id="ghijkl",
            service_name="Another service name",
            last_accessed="2022-07-03T10:23:45Z",
        ),
    ),
)
SEED_ITEM: dict[str, Any] = {
    "user_id": {"S": "123456789"},
    "services": {
        "L": [
            {
                "M": {
                    "service_id": {"S": "abcdef"},
                    "service_name": {"S": "A service name"},
                    "last_accessed": {"S": "2022-08-04T08:50:39Z"},
                }
            },
            {
                "M": {
                    "service_id": {"S": "ghijkl"},
                    "service_name": {"S": "Another service name"},
                    "last_accessed": {"S": "2022-07-03T10:23:45Z"},
                }
            },
        ]
    },
}


def test_a_record_is_stored_in_the_seeds_shape_with_its_version() -> None:
    assert to_item(ACTIVITY, 3) == {**SEED_ITEM, "version": {"N": "3"}}


def test_an_item_reads_back_as_the_record_and_version() -> None:
    assert from_item(to_item(ACTIVITY, 7)) == StoredActivity(activity=ACTIVITY, version=7)


def test_an_item_without_a_version_is_version_zero() -> None:
    assert from_item(SEED_ITEM) == StoredActivity(activity=ACTIVITY, version=0)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        pytest.param({**SEED_ITEM, "services": {"S": "x"}}, "not a list", id="services not a list"),
        pytest.param({**SEED_ITEM, "services": {"L": [{"S": "x"}]}}, "not a map", id="entry"),
        pytest.param({**SEED_ITEM, "version": {"N": "1.5"}}, "whole number", id="version"),
        pytest.param({"services": SEED_ITEM["services"]}, "user_id", id="no user_id"),
        pytest.param(
            {
                **SEED_ITEM,
                "services": {"L": [{"M": {"service_id": {"S": "abcdef"}}}]},
            },
            "service_name",
            id="entry missing fields",
        ),
    ],
)
def test_a_malformed_item_is_refused_naming_the_fault(item: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        from_item(item)
