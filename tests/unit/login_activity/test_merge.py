"""Merging: per service the newest access wins, in any order, any number of times."""

from __future__ import annotations

from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.login_activity.domain.activity import ServiceAccess, UserActivity
from strongroom.login_activity.domain.events import LoginEvent
from strongroom.login_activity.domain.merge import merge_activity, merge_services
from strongroom.login_activity.domain.timestamps import instant_key
from tests.unit.login_activity.strategies import Login, login_lists
from tests.unit.login_activity.support import SEED_BODY, login


def access(service_id: str, name: str, when: str) -> ServiceAccess:
    return ServiceAccess(service_id=service_id, service_name=name, last_accessed=when)


def event(**fields: str) -> LoginEvent:
    return LoginEvent.model_validate(login(**fields))


def accesses(logins: list[Login]) -> list[ServiceAccess]:
    return [login.access() for login in logins]


def test_the_seeds_event_becomes_the_seeds_record() -> None:
    record = merge_activity("123456789", None, [LoginEvent.model_validate(SEED_BODY)])

    assert record.model_dump(mode="json") == {
        "user_id": "123456789",
        "services": [
            {
                "service_id": "abcdef",
                "service_name": "A service name",
                "last_accessed": "2022-08-04T08:50:39Z",
            }
        ],
    }


def test_services_are_listed_newest_first_and_by_id_on_a_tie() -> None:
    merged = merge_services(
        [
            access("ghijkl", "Another service name", "2022-07-03T10:23:45Z"),
            access("zeta", "Zeta", "2022-08-04T08:50:39Z"),
            access("abcdef", "A service name", "2022-08-04T10:50:39+02:00"),
            access("fraction", "Fraction", "2022-08-04T08:50:39.5Z"),
        ]
    )

    assert [item.service_id for item in merged] == ["fraction", "abcdef", "zeta", "ghijkl"]


def test_an_older_event_does_not_move_last_accessed_backwards() -> None:
    current = merge_activity("u", None, [event(user_id="u", timestamp="2022-08-04T08:50:39Z")])

    merged = merge_activity(
        "u", current, [event(user_id="u", service_name="Old", timestamp="2022-08-01T00:00:00Z")]
    )

    assert merged == current


def test_the_newest_events_name_wins() -> None:
    current = merge_activity("u", None, [event(user_id="u", service_name="Portal")])

    merged = merge_activity(
        "u",
        current,
        [event(user_id="u", service_name="Portal (renamed)", timestamp="2022-08-05T00:00:00Z")],
    )

    assert merged.services == (access("abcdef", "Portal (renamed)", "2022-08-05T00:00:00Z"),)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_on_an_exact_tie_the_greater_name_wins_whatever_the_order(order: tuple[int, int]) -> None:
    tied = [
        access("abcdef", "Alpha", "2022-08-04T08:50:39Z"),
        access("abcdef", "Beta", "2022-08-04T09:50:39+01:00"),
    ]

    assert merge_services([tied[index] for index in order]) == (
        access("abcdef", "Beta", "2022-08-04T08:50:39Z"),
    )


def test_events_of_another_user_are_refused() -> None:
    with pytest.raises(ValueError, match="another user"):
        merge_activity("u", None, [event(user_id="someone-else")])


def test_a_record_of_another_user_is_refused() -> None:
    other = UserActivity(user_id="other", services=())

    with pytest.raises(ValueError, match="not 'u'"):
        merge_activity("u", other, [event(user_id="u")])


@given(login_lists, st.randoms(use_true_random=False))
def test_the_order_of_events_does_not_matter(logins: list[Login], shuffler: Random) -> None:
    shuffled = list(logins)
    shuffler.shuffle(shuffled)

    assert merge_services(accesses(shuffled)) == merge_services(accesses(logins))


@given(login_lists, login_lists)
def test_merge_is_commutative(first: list[Login], second: list[Login]) -> None:
    assert merge_services(accesses(first), accesses(second)) == merge_services(
        accesses(second), accesses(first)
    )


@given(login_lists, login_lists, login_lists)
def test_merge_is_associative(first: list[Login], second: list[Login], third: list[Login]) -> None:
    left = merge_services(merge_services(accesses(first), accesses(second)), accesses(third))
    right = merge_services(accesses(first), merge_services(accesses(second), accesses(third)))

    assert left == right


@given(login_lists, login_lists)
def test_replaying_events_changes_nothing(earlier: list[Login], replayed: list[Login]) -> None:
    merged = merge_services(accesses(earlier), accesses(replayed))

    assert merge_services(merged, accesses(replayed)) == merged
    assert merge_services(merged, merged) == merged
    assert merge_services(merged) == merged


@given(login_lists, login_lists)
def test_last_accessed_never_moves_backwards(earlier: list[Login], later: list[Login]) -> None:
    before = {item.service_id: item for item in merge_services(accesses(earlier))}

    after = {item.service_id: item for item in merge_services(before.values(), accesses(later))}

    assert set(before) <= set(after)
    for service_id, held in before.items():
        assert instant_key(after[service_id].last_accessed) >= instant_key(held.last_accessed)


@given(login_lists)
def test_each_service_keeps_its_newest_access_and_name(logins: list[Login]) -> None:
    winners: dict[str, Login] = {}
    for candidate in logins:
        held = winners.get(candidate.service_id)
        if held is None or candidate.precedence() > held.precedence():
            winners[candidate.service_id] = candidate

    merged = merge_services(accesses(logins))

    assert {item.service_id: item.service_name for item in merged} == {
        service_id: winner.service_name for service_id, winner in winners.items()
    }
    expected_order = sorted(
        winners.values(),
        key=lambda winner: (-winner.moment.timestamp(), -winner.nanoseconds, winner.service_id),
    )
    assert [item.service_id for item in merged] == [winner.service_id for winner in expected_order]
