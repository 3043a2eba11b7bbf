"""S3's rule for changing an Object Lock retention, and the ``<Retention>`` body it reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from strongroom.local.front_door.object_lock import MalformedRetention, parse_retention
from strongroom.local.front_door.retention_rule import (
    LOCKED_MESSAGE,
    Refusal,
    Retention,
    retention_change_refusal,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
DENIED = Refusal(403, "AccessDenied", LOCKED_MESSAGE)
COMPLIANCE = Retention("COMPLIANCE", NOW + 2 * DAY)
GOVERNANCE = Retention("GOVERNANCE", NOW + 2 * DAY)


def refusal(current: Retention, requested: Retention, *, bypass: bool = False) -> Refusal | None:
    return retention_change_refusal(current, requested, bypass_governance=bypass, now=NOW)


@pytest.mark.parametrize(
    "requested",
    [
        Retention("COMPLIANCE", NOW + DAY),
        Retention("GOVERNANCE", NOW + 3 * DAY),
        Retention(),
    ],
    ids=["shortened", "made governance", "removed"],
)
@pytest.mark.parametrize("bypass", [False, True])
def test_a_locked_compliance_retention_is_never_weakened(
    requested: Retention, *, bypass: bool
) -> None:
    assert refusal(COMPLIANCE, requested, bypass=bypass) == DENIED


@pytest.mark.parametrize(
    "requested", [COMPLIANCE, Retention("COMPLIANCE", NOW + 5 * DAY)], ids=["same", "extended"]
)
def test_a_compliance_retention_may_be_kept_or_extended(requested: Retention) -> None:
    assert refusal(COMPLIANCE, requested) is None


@pytest.mark.parametrize(
    "requested",
    [Retention("GOVERNANCE", NOW + DAY), Retention()],
    ids=["shortened", "removed"],
)
def test_a_locked_governance_retention_is_weakened_only_with_the_bypass(
    requested: Retention,
) -> None:
    assert refusal(GOVERNANCE, requested) == DENIED
    assert refusal(GOVERNANCE, requested, bypass=True) is None


@pytest.mark.parametrize(
    "requested",
    [Retention("GOVERNANCE", NOW + 5 * DAY), Retention("COMPLIANCE", NOW + 2 * DAY)],
    ids=["extended", "made compliance"],
)
def test_a_governance_retention_may_be_strengthened_without_bypass(requested: Retention) -> None:
    assert refusal(GOVERNANCE, requested) is None


@pytest.mark.parametrize("mode", ["COMPLIANCE", "GOVERNANCE"])
def test_a_retention_that_has_passed_locks_nothing(mode: str) -> None:
    passed = Retention(mode, NOW - DAY)  # type: ignore[arg-type]

    assert refusal(passed, Retention()) is None
    assert refusal(passed, Retention("GOVERNANCE", NOW + DAY)) is None


def test_no_retention_may_get_any() -> None:
    assert refusal(Retention(), Retention("GOVERNANCE", NOW + DAY)) is None


@pytest.mark.parametrize("until", [NOW, NOW - DAY], ids=["now", "past"])
def test_a_new_date_must_be_in_the_future(until: datetime) -> None:
    answer = refusal(Retention(), Retention("COMPLIANCE", until))

    assert answer is not None
    assert (answer.status, answer.code) == (400, "InvalidArgument")


def test_the_body_boto3_sends_is_read_with_its_namespace() -> None:
    body = (
        b'<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>COMPLIANCE</Mode>'
        b"<RetainUntilDate>2026-12-04T12:00:00.000Z</RetainUntilDate></Retention>"
    )

    assert parse_retention(body) == Retention("COMPLIANCE", NOW + DAY)


def test_an_empty_retention_removes_it() -> None:
    assert parse_retention(b'<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>') == (
        Retention()
    )


@pytest.mark.parametrize(
    "body",
    [
        b"<Retention><Mode>FOREVER</Mode><RetainUntilDate>2026-12-04T12:00:00Z</RetainUntilDate>"
        b"</Retention>",
        b"<Retention><Mode>COMPLIANCE</Mode></Retention>",
        b"<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>soon</RetainUntilDate></Retention>",
        b"<LegalHold><Status>ON</Status></LegalHold>",
        b"not xml",
    ],
    ids=["unknown mode", "no date", "bad date", "other element", "not xml"],
)
def test_a_body_s3_would_not_read_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedRetention):
        parse_retention(body)
