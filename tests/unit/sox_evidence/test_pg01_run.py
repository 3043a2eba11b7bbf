"""A PG-01 run on the SQLite stand-in with the in-memory results bucket."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.domain import catalog
from strongroom.sox_evidence.domain.cutoff import InvalidCutoff
from strongroom.sox_evidence.domain.runs import RunContext, RunRecord, new_run_id
from strongroom.sox_evidence.services.ipe_run import ExtractionLimits, run_ipe
from strongroom.sox_evidence.services.run_records import list_runs
from tests.unit.sox_evidence.support import (
    CUTOFF,
    NOW,
    SMALL_LIMITS,
    run,
    source_for,
    ticking_clock,
)


def records(store: InMemoryResultsStore) -> dict[str, RunRecord]:
    return {record.ipe_id: record for record in list_runs(store)}


def test_every_ipe_runs_and_every_check_passes(nav_bi: Path) -> None:
    store = InMemoryResultsStore()

    result = run(nav_bi, store)

    assert result.status_code == 200
    assert [o.ipe_id for o in result.ipes] == ["CR_05", "IPE_07", "IPE_08"]
    for record in records(store).values():
        assert record.status == "succeeded", record.failed_checks
        assert record.rows > 0
        assert {check.name for check in record.checks} >= {
            "population_count_equals_rows_written",
            "rows_written_equal_parquet_footers",
            "parts_sha256_match",
            "witness_present",
            "exclusions_absent",
        }
        assert record.context.cutoff_date == CUTOFF
        assert record.server is not None
        assert record.server.dialect == "sqlite"
        assert [s.purpose for s in record.statements] == [
            "completeness",
            "control_totals",
            "witness",
            "exclusion",
            "extraction",
        ]


def test_the_written_totals_are_the_servers_to_the_cent(nav_bi: Path) -> None:
    store = InMemoryResultsStore()
    run(nav_bi, store, {"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["IPE_08"]})
    record = records(store)["IPE_08"]

    with sqlite3.connect(nav_bi) as db:
        (face_value,) = db.execute(
            "SELECT SUM(face_value) FROM voucher WHERE is_test = 0 AND issue_date <= ? "
            "AND (expiry_date IS NULL OR expiry_date > ?) AND voucher_no IN ("
            " SELECT v.voucher_no FROM voucher v LEFT JOIN voucher_redemption r"
            " ON r.voucher_no = v.voucher_no AND r.redemption_date <= ?"
            " GROUP BY v.voucher_no, v.face_value"
            " HAVING v.face_value - COALESCE(SUM(r.amount), 0) <> 0)",
            (CUTOFF.isoformat(),) * 3,
        ).fetchone()

    assert record.control_totals["face_value"] == Decimal(str(face_value)).quantize(Decimal("0.01"))
    totals = {c.name: c for c in record.checks if c.name.startswith("control_total.")}
    assert totals["control_total.face_value"].actual == str(record.control_totals["face_value"])


def test_parts_roll_over_by_rows_and_are_named_in_order(nav_bi: Path) -> None:
    store = InMemoryResultsStore()
    limits = ExtractionLimits(batch_rows=100, rows_per_part=250)
    run(nav_bi, store, {"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["IPE_07"]}, limits)
    record = records(store)["IPE_07"]

    assert len(record.parts) > 1
    assert all(part.rows <= 250 + 100 for part in record.parts)
    assert sum(part.rows for part in record.parts) == record.rows
    prefix = f"ipe/IPE_07/cutoff_date={CUTOFF.isoformat()}/run_id={record.run_id}/"
    assert [part.key for part in record.parts] == [
        f"{prefix}part-{index:05d}.parquet" for index in range(len(record.parts))
    ]


def test_a_rerun_gets_a_new_run_id_and_keeps_the_earlier_run(nav_bi: Path) -> None:
    store = InMemoryResultsStore()
    first = run(nav_bi, store, {"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["CR_05"]})
    earlier = dict(store.objects)

    second = run(nav_bi, store, {"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["CR_05"]})

    assert first.ipes[0].run_id != second.ipes[0].run_id
    assert all(store.objects[key] == versions for key, versions in earlier.items())
    assert len(list_runs(store, "CR_05", CUTOFF)) == 2


def test_a_population_that_keeps_excluded_records_fails_on_exclusions_and_keeps_its_data(
    nav_bi: Path,
) -> None:
    """IPE_08 as if its test-voucher filter were lost: the exclusion check fails naming a test
    voucher, and the parts extracted stay in the bucket with the run record marked failed."""
    shipped = catalog.catalog()["IPE_08"]
    population = shipped.definition.population.replace("AND v.is_test = 0", "")
    broken = shipped.model_copy(
        update={"definition": shipped.definition.model_copy(update={"population": population})}
    )
    store = InMemoryResultsStore()
    context = RunContext(
        trigger="cli",
        requester="test",
        cutoff_date=CUTOFF,
        cutoff_source="event",
        results_bucket=store.bucket,
        package_version="0.1.0",
    )

    record = run_ipe(
        broken,
        context,
        source=source_for(nav_bi),
        store=store,
        run_id=new_run_id(NOW),
        clock=ticking_clock(),  # type: ignore[arg-type]
        limits=SMALL_LIMITS,
    ).record

    assert record.status == "failed"
    assert record.failed_checks == ["exclusions_absent"]
    failed = next(c for c in record.checks if c.name == "exclusions_absent")
    with sqlite3.connect(nav_bi) as db:
        test_vouchers = {
            row[0] for row in db.execute("SELECT voucher_no FROM voucher WHERE is_test = 1")
        }
    assert any(voucher in failed.actual for voucher in test_vouchers)
    assert record.rows > 0
    assert all(store.objects[part.key] for part in record.parts)
    assert list_runs(store)[0].status == "failed"


def test_an_ipe_whose_source_fails_is_recorded_failed_and_the_others_still_run(
    nav_bi: Path, tmp_path: Path
) -> None:
    database = tmp_path / "nav_bi.sqlite"
    shutil.copy(nav_bi, database)
    with sqlite3.connect(database) as db:
        db.execute("DROP TABLE voucher_redemption")
    store = InMemoryResultsStore()

    result = run(database, store)

    by_id = {o.ipe_id: o for o in result.ipes}
    assert result.status_code == 207
    assert by_id["IPE_08"].status == "failed"
    assert "no such table: voucher_redemption" in (by_id["IPE_08"].failure or "")
    assert by_id["CR_05"].status == by_id["IPE_07"].status == "succeeded"
    assert records(store)["IPE_08"].failure == by_id["IPE_08"].failure


def test_a_future_cutoff_is_refused_before_anything_is_written(nav_bi: Path) -> None:
    store = InMemoryResultsStore()

    with pytest.raises(InvalidCutoff, match="cutoff_date: 2099-01-31 is in the future"):
        run(nav_bi, store, {"cutoff_date": "2099-01-31"})
    assert store.objects == {}


def test_key_checks_beyond_the_limit_say_they_were_capped(nav_bi: Path) -> None:
    store = InMemoryResultsStore()
    limits = ExtractionLimits(batch_rows=500, rows_per_part=10_000, max_check_keys=5)
    run(nav_bi, store, {"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["IPE_07"]}, limits)
    record = records(store)["IPE_07"]

    by_name = {check.name: check for check in record.checks}
    assert record.status == "succeeded"
    assert "the first 5 in key order" in by_name["witness_present"].expected
    assert "the first 5 in key order" in by_name["exclusions_absent"].expected


def test_composite_date_keys_are_matched_so_superseded_rates_are_caught(nav_bi: Path) -> None:
    """CR_05 keyed by (currency_code, starting_date): a population that keeps every rate up to
    the cutoff, not only the one in force, fails exclusions_absent (dates compare as dates)."""
    shipped = catalog.catalog()["CR_05"]
    population = (
        "SELECT r.currency_code AS currency_code, c.description AS currency_description,"
        " r.starting_date AS starting_date, r.exchange_rate_amount AS exchange_rate_amount,"
        " r.relational_exch_rate_amount AS relational_exch_rate_amount"
        " FROM currency_exchange_rate AS r JOIN currency AS c ON c.code = r.currency_code"
        " WHERE r.starting_date <= :cutoff_date"
    )
    broken = shipped.model_copy(
        update={"definition": shipped.definition.model_copy(update={"population": population})}
    )
    store = InMemoryResultsStore()
    context = RunContext(
        trigger="cli",
        requester="test",
        cutoff_date=CUTOFF,
        cutoff_source="event",
        results_bucket=store.bucket,
        package_version="0.1.0",
    )

    record = run_ipe(
        broken,
        context,
        source=source_for(nav_bi),
        store=store,
        run_id=new_run_id(NOW),
        clock=ticking_clock(),  # type: ignore[arg-type]
        limits=SMALL_LIMITS,
    ).record

    assert record.failed_checks == ["exclusions_absent"]
