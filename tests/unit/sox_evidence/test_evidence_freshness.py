"""The evidence freshness check: by the deadline day, which IPEs have no succeeded run whose
evidence package verifies (KMS's Verify with the stack's key, here its in-memory twin)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from strongroom.core.observability import metrics
from strongroom.sox_evidence import wiring
from strongroom.sox_evidence.adapters.in_memory_evidence_reader import InMemoryEvidenceReader
from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.adapters.in_memory_signing_keys import InMemorySigningKeys
from strongroom.sox_evidence.domain import catalog
from strongroom.sox_evidence.domain.evidence import SIGNATURE
from strongroom.sox_evidence.domain.freshness import deadline_for, due_cutoff, evidence_report
from strongroom.sox_evidence.domain.runs import RunContext, record_key
from strongroom.sox_evidence.handlers import freshness as freshness_handler
from strongroom.sox_evidence.services.evidence_trust import stack_key_trust
from strongroom.sox_evidence.services.ipe_run import record_not_attempted
from strongroom.sox_evidence.wiring import EvidenceCheck
from tests.support.evidence_packages import (
    CUTOFF,
    EVIDENCE_BUCKET,
    IPE_ID,
    RUN_ID,
    build_package,
)
from tests.support.lambda_context import FakeLambdaContext

IPE_IDS = list(catalog.catalog())
KEY_ID = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
DEADLINE_DAY = 5


@pytest.fixture(autouse=True)
def no_metrics_left_over() -> Iterator[None]:
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 12, 5, 7, 59, tzinfo=UTC), date(2026, 10, 31)),
        (datetime(2026, 12, 5, 8, 0, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2027, 1, 4, 23, 0, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2028, 3, 5, 8, 0, tzinfo=UTC), date(2028, 2, 29)),
    ],
)
def test_a_month_is_due_for_evidence_from_its_deadline_day(now: datetime, due: date) -> None:
    assert due_cutoff(now, DEADLINE_DAY) == due
    assert deadline_for(due, DEADLINE_DAY) <= now


@pytest.mark.parametrize("day", [0, 29])
def test_a_deadline_day_not_in_every_month_is_refused(day: int) -> None:
    with pytest.raises(ValueError, match="deadline day"):
        deadline_for(CUTOFF, day)


def test_the_report_names_each_ipe_without_a_verified_package_and_why() -> None:
    checked = evidence_report(
        CUTOFF, DEADLINE_DAY, IPE_IDS, {"IPE_07": None, "CR_05": "run x: signature failed"}
    )

    assert checked.without_verified_package == tuple(i for i in IPE_IDS if i != "IPE_07")
    assert checked.reasons == {"CR_05": "run x: signature failed", "IPE_08": "no succeeded run"}
    assert checked.deadline == datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    assert not checked.fresh


def put_record(store: InMemoryResultsStore, ipe_id: str, run_id: str, *, succeeded: bool) -> None:
    at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    context = RunContext(
        trigger="schedule",
        requester="test",
        cutoff_date=CUTOFF,
        cutoff_source="default",
        results_bucket=store.bucket,
        package_version="0.1.0",
    )
    record = record_not_attempted(
        catalog.catalog()[ipe_id],
        context,
        store=InMemoryResultsStore(),
        run_id=run_id,
        at=at,
        reason="x",
    )
    if succeeded:
        record = record.model_copy(update={"status": "succeeded", "failure": None})
    key = record_key(ipe_id, CUTOFF, run_id)
    store.put_bytes(key, record.model_dump_json().encode(), "application/json")


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def check(monkeypatch: pytest.MonkeyPatch, signing_key: rsa.RSAPrivateKey) -> EvidenceCheck:
    """IPE_07: a succeeded run with a package that verifies; CR_05: a succeeded run whose
    package's signature was replaced; IPE_08: only a failed run."""
    results = InMemoryResultsStore()
    reader = InMemoryEvidenceReader()
    build_package(reader, signing_key, KEY_ID)
    put_record(results, IPE_ID, RUN_ID, succeeded=True)
    cr05_run = "20261201T080001Z-00000005"
    put_record(results, "CR_05", cr05_run, succeeded=True)
    built = build_package(reader, signing_key, KEY_ID, ipe_id="CR_05", run_id=cr05_run)
    reader.objects[(EVIDENCE_BUCKET, built.key_of(SIGNATURE))][0].body = b"\x00" * 256
    put_record(results, "IPE_08", "20261201T080002Z-00000008", succeeded=False)
    keys = InMemorySigningKeys({KEY_ID: signing_key})
    fake = EvidenceCheck(results, reader, stack_key_trust(keys, KEY_ID), EVIDENCE_BUCKET, 5)
    monkeypatch.setattr(wiring, "evidence_check", lambda: fake)
    return fake


def invoke(event: Any) -> dict[str, Any]:
    context = FakeLambdaContext(function_name="SOXAuto-Evidence-Freshness", remaining_millis=60_000)
    return freshness_handler.evidence_handler(event, context)  # type: ignore[arg-type]


def emitted_metrics(out: str) -> dict[str, Any]:
    [document] = [json.loads(line) for line in out.splitlines() if '"_aws"' in line]
    names = [m["Name"] for m in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
    return {name: document[name] for name in names}


def test_the_daily_check_counts_ipes_without_a_verified_package(
    check: EvidenceCheck, capsys: pytest.CaptureFixture[str]
) -> None:
    scheduled = {"source": "aws.events", "time": "2026-12-05T08:30:00Z", "detail": {}}

    answer = invoke(scheduled)

    assert answer["statusCode"] == 200
    body = answer["body"]
    assert body["cutoff_date"] == CUTOFF.isoformat()
    assert body["without_verified_package"] == ["CR_05", "IPE_08"]
    assert body["reasons"]["IPE_08"] == "no succeeded run"
    assert body["reasons"]["CR_05"].startswith("run 20261201T080001Z-00000005: signature failed")
    assert emitted_metrics(capsys.readouterr().out) == {"IPEsWithoutVerifiedPackage": [2.0]}


def test_a_month_with_no_package_at_all_alarms_for_every_ipe(
    check: EvidenceCheck, capsys: pytest.CaptureFixture[str]
) -> None:
    scheduled = {"source": "aws.events", "time": "2027-01-05T08:30:00Z", "detail": {}}

    answer = invoke(scheduled)

    assert answer["body"]["cutoff_date"] == "2026-12-31"
    assert answer["body"]["without_verified_package"] == IPE_IDS
    assert emitted_metrics(capsys.readouterr().out) == {"IPEsWithoutVerifiedPackage": [3.0]}


def test_an_operators_question_emits_nothing(
    check: EvidenceCheck, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = invoke({"cutoff_date": CUTOFF.isoformat()})

    assert answer["body"]["without_verified_package"] == ["CR_05", "IPE_08"]
    assert "IPEsWithoutVerifiedPackage" not in capsys.readouterr().out


def test_a_bad_event_is_refused_naming_the_field(check: EvidenceCheck) -> None:
    answer = invoke({"cutoff_date": "2026-02-30"})

    assert answer["statusCode"] == 400
    assert answer["body"]["errors"][0]["field"] == "cutoff_date"
