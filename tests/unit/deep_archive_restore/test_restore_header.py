"""The x-amz-restore header read as S3 documents it: in progress is not restored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from strongroom.deep_archive.domain.restore_header import (
    RestoreHeaderError,
    parse_restore_header,
)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_header_means_no_restore_was_requested(value: str | None) -> None:
    header = parse_restore_header(value)
    assert header.copy == "absent"
    assert not header.readable


def test_ongoing_request_true_is_in_progress_not_readable() -> None:
    header = parse_restore_header('ongoing-request="true"')
    assert header.copy == "in_progress"
    assert not header.readable
    assert header.expires_at is None


def test_finished_restore_is_readable_until_its_expiry() -> None:
    header = parse_restore_header(
        'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'
    )
    assert header.readable
    assert header.expires_at == datetime(2012, 12, 21, tzinfo=UTC)


def test_spacing_order_and_case_of_names_do_not_matter() -> None:
    header = parse_restore_header(
        'Expiry-Date="Sat, 22 Nov 2026 00:00:00 GMT" ,  Ongoing-Request = "false"'
    )
    assert header.expires_at == datetime(2026, 11, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        'ongoing-request="maybe"',
        "ongoing-request=true",
        'ongoing-request="false"',
        'ongoing-request="false", expiry-date="next tuesday"',
        'expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"',
    ],
)
def test_malformed_headers_are_refused_not_guessed(value: str) -> None:
    with pytest.raises(RestoreHeaderError):
        parse_restore_header(value)
