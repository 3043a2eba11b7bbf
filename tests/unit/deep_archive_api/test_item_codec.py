"""Models as DynamoDB items: every value comes back as it went in, in DynamoDB's types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.deep_archive.adapters.item_codec import as_stored, attribute, from_item, to_millis
from strongroom.deep_archive.adapters.job_store import job_from_item, job_item
from strongroom.deep_archive.domain.job_records import JobStatus
from tests.unit.deep_archive_api.support import job_record


def test_a_job_item_has_its_keys_and_index_attributes() -> None:
    item = job_item(job_record("job-1", created_at=datetime(2026, 12, 1, 9, 0, 0, 123456, UTC)))

    assert item["job_id"] == {"S": "job-1"}
    assert item["record"] == {"S": "JOB"}
    assert item["run_key"] == {"S": "finance#finance-reports-src#daily/202611"}
    assert item["created_at"] == {"S": "2026-12-01T09:00:00.123Z"}
    assert item["status"] == {"S": "SUBMITTED"}
    assert item["counts"]["M"]["files_listed"] == {"N": "0"}
    assert item["settings"]["M"]["max_bytes"] == {"N": str(500 * 1_048_576)}
    assert item["estimate"] == {"NULL": True}


def test_a_job_reads_back_equal_to_the_millisecond() -> None:
    record = job_record("job-1", status=JobStatus.PACKING)
    record.estimate = {"usd": 12.5, "archives": 3, "tiers": ["Bulk"], "ok": True}

    assert job_from_item(job_item(record)) == record


def test_numbers_keep_their_kind() -> None:
    assert from_item({"n": attribute(3), "f": attribute(0.1), "big": attribute(2**62)}) == {
        "n": 3,
        "f": 0.1,
        "big": 2**62,
    }


def test_nan_cannot_be_stored() -> None:
    with pytest.raises(TypeError):
        attribute(float("nan"))


def test_timestamps_are_stored_in_utc_to_the_millisecond() -> None:
    moment = datetime(2026, 12, 1, 10, 0, 0, 999_999, tzinfo=timezone(timedelta(hours=1)))

    assert as_stored(moment) == "2026-12-01T09:00:00.999Z"
    assert to_millis(moment) == datetime(2026, 12, 1, 9, 0, 0, 999_000, tzinfo=UTC)


# DynamoDB has one decimal number type: an integral float reads back as an int, equal to it
# while exact (below 2**53); its exponent range stops at 1E-130.
finite_floats = st.floats(allow_nan=False, min_value=-(2.0**53), max_value=2.0**53).filter(
    lambda number: number == 0 or abs(number) > 1e-100
)


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-(10**30), max_value=10**30)
        | finite_floats
        | st.text(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(min_size=1), children, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_plain_json_survives_the_round_trip(value: object) -> None:
    assert as_stored(value) == value
