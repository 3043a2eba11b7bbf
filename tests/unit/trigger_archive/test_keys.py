"""Keys keep the seed's S3 layout; run reports stay outside trigger/."""

from __future__ import annotations

from datetime import date

import pytest

from strongroom.trigger_archive.domain import ARCHIVE_PREFIX, archive_key, run_report_key


def test_the_archive_key_is_the_seeds() -> None:
    assert archive_key(42, date(2024, 11, 27)) == "trigger/42/42_trigger_20241127.json"


def test_days_and_months_are_zero_padded() -> None:
    assert archive_key(7, date(2026, 1, 5)) == "trigger/7/7_trigger_20260105.json"


def test_a_negative_client_id_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        archive_key(-1, date(2026, 1, 5))


def test_run_reports_live_outside_the_trigger_prefix() -> None:
    key = run_report_key(date(2026, 12, 3), "20261203T203000Z-abc")

    assert key == "runs/2026-12-03/20261203T203000Z-abc.json"
    assert not key.startswith(ARCHIVE_PREFIX)


@pytest.mark.parametrize("run_id", ["", "a/b", "../x", "x" * 65])
def test_a_run_id_that_could_escape_its_folder_is_refused(run_id: str) -> None:
    with pytest.raises(ValueError, match="run id"):
        run_report_key(date(2026, 12, 3), run_id)
