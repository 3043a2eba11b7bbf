"""The evidence files' renderers: exact text, the extraction last, escaped HTML, a zip that is
the same bytes for the same files, a PEM that openssl reads."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from strongroom.sox_evidence.adapters.in_memory_evidence_signer import InMemoryEvidenceSigner
from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.domain import evidence
from strongroom.sox_evidence.domain.evidence_files import (
    ColumnProfile,
    ParquetProfile,
    data_snapshot,
    executed_query,
    package_zip,
    public_key_pem,
    report,
)
from strongroom.sox_evidence.domain.runs import RunRecord
from strongroom.sox_evidence.services.run_records import list_runs
from tests.unit.sox_evidence.support import run


@pytest.fixture(scope="module")
def record(nav_bi: Path) -> RunRecord:
    store = InMemoryResultsStore()
    run(nav_bi, store, {"cutoff_date": "2025-06-30", "ipe_ids": ["CR_05"]})
    [only] = list_runs(store)
    return only


def test_the_executed_query_holds_every_statement_as_sent_the_extraction_last(
    record: RunRecord,
) -> None:
    text = executed_query(record).decode()

    headings = [line for line in text.splitlines() if line.startswith("-- [")]
    assert [h.split("purpose: ")[1] for h in headings] == [
        "completeness",
        "control_totals",
        "witness",
        "exclusion",
        "extraction",
    ]
    for sent in record.statements:
        assert sent.sql in text
        assert sent.sha256 in text
    assert text.index("purpose: extraction") > text.index("purpose: exclusion")


def test_the_snapshot_writes_decimals_as_exact_text_and_null_as_empty() -> None:
    profile = ParquetProfile(
        header=["no", "amount", "day"],
        first_rows=[[1, Decimal("10.10"), date(2025, 6, 30)], [2, None, None]],
    )

    assert data_snapshot(profile) == b"no,amount,day\n1,10.10,2025-06-30\n2,,\n"


def test_a_column_profile_adds_batches_up() -> None:
    column = ColumnProfile("amount", "decimal")
    column.add(3, 1, Decimal("-5.00"), Decimal("7.25"))
    column.add(2, 0, Decimal("-1.00"), Decimal("9.10"))
    column.add(0, 4, None, None)

    assert column.summary() == {
        "name": "amount",
        "type": "decimal",
        "count": 5,
        "nulls": 5,
        "min": "-5.00",
        "max": "9.10",
    }


def test_the_report_escapes_what_it_shows(record: RunRecord) -> None:
    hostile = record.model_copy(update={"ipe_title": "<script>alert(1)</script> & co"})

    body = report(hostile, ParquetProfile(), (), "evidence/CR_05/").decode()

    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in body


def test_the_zip_is_the_same_bytes_for_the_same_files() -> None:
    files = {evidence.EXECUTED_QUERY: b"SELECT 1\n", evidence.REPORT: b"<html></html>\n"}

    first, second = package_zip(files), package_zip(dict(files))

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert [i.date_time for i in archive.infolist()] == [(1980, 1, 1, 0, 0, 0)] * 2
        assert {name: archive.read(name) for name in archive.namelist()} == files


def test_a_der_public_key_becomes_the_pem_openssl_reads() -> None:
    public = InMemoryEvidenceSigner().private_key.public_key()
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    assert public_key_pem(der) == public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
