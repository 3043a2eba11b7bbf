"""Canonical timestamps: one text per instant, UTC with Z, ordered chronologically."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.login_activity.domain.timestamps import canonical_timestamp, instant_key
from tests.unit.login_activity.strategies import Login, logins


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("2022-08-04T08:50:39Z", "2022-08-04T08:50:39Z"),
        ("2022-08-04T08:50:39+00:00", "2022-08-04T08:50:39Z"),
        ("2022-08-04T08:50:39-00:00", "2022-08-04T08:50:39Z"),
        ("2022-08-04T10:50:39+02:00", "2022-08-04T08:50:39Z"),
        ("2022-08-03T23:20:39-09:30", "2022-08-04T08:50:39Z"),
        ("2022-08-04T08:50:39.000Z", "2022-08-04T08:50:39Z"),
        ("2022-08-04T08:50:39.500Z", "2022-08-04T08:50:39.5Z"),
        ("2022-08-04T14:20:39.123456789+05:30", "2022-08-04T08:50:39.123456789Z"),
        ("2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z"),
        ("0999-12-31T23:59:59Z", "0999-12-31T23:59:59Z"),
    ],
)
def test_a_timestamp_is_written_as_utc_with_z_and_its_fraction_only_when_there_is_one(
    written: str, canonical: str
) -> None:
    assert canonical_timestamp(written) == canonical


@given(logins())
def test_canonical_text_is_a_fixed_point(login: Login) -> None:
    canonical = canonical_timestamp(login.text)

    assert canonical_timestamp(canonical) == canonical


@given(logins(), logins())
def test_two_writings_have_the_same_canonical_text_exactly_when_they_are_one_instant(
    first: Login, second: Login
) -> None:
    same_instant = (first.moment, first.nanoseconds) == (second.moment, second.nanoseconds)

    assert (canonical_timestamp(first.text) == canonical_timestamp(second.text)) is same_instant


@given(logins(), logins())
def test_instant_keys_order_timestamps_chronologically(first: Login, second: Login) -> None:
    first_key = instant_key(canonical_timestamp(first.text))
    second_key = instant_key(canonical_timestamp(second.text))

    assert (first_key < second_key) is (
        (first.moment, first.nanoseconds) < (second.moment, second.nanoseconds)
    )


@given(st.integers(min_value=0, max_value=999_999_999))
def test_a_fraction_sorts_after_the_whole_second_and_before_the_next(nanoseconds: int) -> None:
    fraction = f"{nanoseconds:09d}".rstrip("0")
    within = canonical_timestamp(f"2022-08-04T08:50:39{'.' + fraction if fraction else ''}Z")

    assert instant_key("2022-08-04T08:50:39Z") <= instant_key(within)
    assert instant_key(within) < instant_key("2022-08-04T08:50:40Z")
