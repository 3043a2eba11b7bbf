"""The NAV BI stand-in generator: deterministic, and every IPE has records it must exclude."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from strongroom.sox_evidence.localdev import ensure, generate, holds_generation

CUTOFF = "2025-06-30"


def table_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with sqlite3.connect(path) as db:
        for (table,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
        ):
            for row in db.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def test_the_same_arguments_write_the_same_rows(tmp_path: Path) -> None:
    first = generate(tmp_path / "a.sqlite", rows=500)
    second = generate(tmp_path / "b.sqlite", rows=500)

    assert first.ledger_entries == second.ledger_entries == 500
    assert table_digest(first.path) == table_digest(second.path)
    assert table_digest(generate(tmp_path / "c.sqlite", rows=500, seed=4).path) != table_digest(
        first.path
    )


def test_regenerating_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "nav_bi.sqlite"
    generate(path, rows=300)
    generate(path, rows=200)

    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM cust_ledger_entry").fetchone() == (200,)
    assert not list(tmp_path.glob(".*tmp"))


EXCLUDED_OR_TRICKY = {
    "entries posted after the cutoff": "FROM cust_ledger_entry WHERE posting_date > :c",
    "entries closed by the cutoff": "FROM cust_ledger_entry WHERE closed_at_date <= :c",
    "entries open at the cutoff, closed after it": (
        "FROM cust_ledger_entry WHERE posting_date <= :c AND closed_at_date > :c"
    ),
    "partly applied entries": (
        "FROM detailed_cust_ledg_entry d JOIN cust_ledger_entry e"
        " ON d.cust_ledger_entry_no = e.entry_no"
        " WHERE e.closed_at_date IS NULL AND d.entry_type = 'Application'"
    ),
    "rates starting after the cutoff": "FROM currency_exchange_rate WHERE starting_date > :c",
    "test vouchers": "FROM voucher WHERE is_test = 1",
    "vouchers expired by the cutoff": "FROM voucher WHERE expiry_date <= :c",
    "vouchers that never expire": "FROM voucher WHERE expiry_date IS NULL",
    "a currency without rates": (
        "FROM currency c WHERE NOT EXISTS"
        " (SELECT 1 FROM currency_exchange_rate r WHERE r.currency_code = c.code)"
    ),
}


@pytest.mark.parametrize(("what", "where"), EXCLUDED_OR_TRICKY.items())
def test_the_demo_data_holds_what_the_checks_need(nav_bi: Path, what: str, where: str) -> None:
    with sqlite3.connect(nav_bi) as db:
        (found,) = db.execute(f"SELECT COUNT(*) {where}", {"c": CUTOFF}).fetchone()

    assert found > 0, what


def test_rows_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rows: must be at least 1"):
        generate(tmp_path / "x.sqlite", rows=0)


def test_ensure_keeps_the_same_generation_and_replaces_another(tmp_path: Path) -> None:
    path = tmp_path / "nav_bi.sqlite"
    ensure(path, rows=200)
    written = path.stat().st_mtime_ns

    ensure(path, rows=200)
    assert path.stat().st_mtime_ns == written
    assert holds_generation(path, 200)
    assert not holds_generation(path, 300)

    ensure(path, rows=300)
    assert holds_generation(path, 300)
