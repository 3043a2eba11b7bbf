"""A run's evidence package, built with the in-memory results bucket, evidence bucket and key:
every file locked and listed, the statement signed, failed runs packaged, failures counted."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from strongroom.core.observability import metrics
from strongroom.local.template.yaml_loader import load_template
from strongroom.sox_evidence import wiring
from strongroom.sox_evidence.adapters.in_memory_evidence_bucket import InMemoryEvidenceBucket
from strongroom.sox_evidence.adapters.in_memory_evidence_signer import InMemoryEvidenceSigner
from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.adapters.results_store import ObjectExists
from strongroom.sox_evidence.domain import catalog, evidence
from strongroom.sox_evidence.domain.evidence_files import sha256_hex
from strongroom.sox_evidence.domain.requests import parse_run_request
from strongroom.sox_evidence.domain.runs import RunRecord
from strongroom.sox_evidence.services.ipe_run import PACKAGE_FAILURE_METRIC, package_run
from strongroom.sox_evidence.services.pg01_run import Pg01Result, TimeBudget, run_pg01
from strongroom.sox_evidence.services.run_records import list_runs
from tests.unit.sox_evidence.evidence_support import RETENTION, packager, run_with_evidence
from tests.unit.sox_evidence.support import CUTOFF, NOW, SMALL_LIMITS, opened, source_for

PACKAGE_OBJECTS = {
    *evidence.EVIDENCE_FILES,
    evidence.PACKAGE_ZIP,
    evidence.MANIFEST,
    evidence.STATEMENT,
    evidence.SIGNATURE,
    evidence.PUBLIC_KEY,
}


class Run:
    def __init__(self, nav_bi: Path) -> None:
        self.store = InMemoryResultsStore()
        self.bucket = InMemoryEvidenceBucket()
        self.signer = InMemoryEvidenceSigner()
        self.result: Pg01Result = run_with_evidence(nav_bi, self.store, self.bucket, self.signer)
        self.records = {record.ipe_id: record for record in list_runs(self.store)}

    def body(self, prefix: str, name: str) -> bytes:
        return self.bucket.objects[prefix + name].body

    def manifest(self, ipe_id: str) -> evidence.Manifest:
        record = self.records[ipe_id]
        prefix = evidence.package_prefix(ipe_id, CUTOFF, record.run_id)
        return evidence.Manifest.model_validate_json(self.body(prefix, evidence.MANIFEST))


@pytest.fixture(scope="module")
def done(nav_bi: Path) -> Iterator[Run]:
    metrics.clear_metrics()
    yield Run(nav_bi)
    metrics.clear_metrics()


def verify(public_pem: bytes, signature: bytes, message: bytes) -> None:
    key = serialization.load_pem_public_key(public_pem)
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())


def test_every_run_answers_where_its_package_is(done: Run) -> None:
    assert done.result.status_code == 200
    for outcome in done.result.ipes:
        assert outcome.status == "succeeded"
        assert outcome.evidence_bucket == done.bucket.bucket
        assert outcome.evidence_prefix == evidence.package_prefix(
            outcome.ipe_id, CUTOFF, outcome.run_id
        )
        manifest = done.bucket.objects[outcome.evidence_prefix + evidence.MANIFEST]
        assert outcome.manifest_version_id == manifest.version_id


def test_every_object_is_written_once_locked_in_compliance_mode(done: Run) -> None:
    for record in done.records.values():
        prefix = evidence.package_prefix(record.ipe_id, CUTOFF, record.run_id)
        written = {
            k.removeprefix(prefix): o
            for k, o in done.bucket.objects.items()
            if k.startswith(prefix)
        }
        assert set(written) == PACKAGE_OBJECTS
        for locked in written.values():
            assert (locked.mode, locked.retain_until) == ("COMPLIANCE", NOW + RETENTION)
        assert done.manifest(record.ipe_id).retain_until == NOW + RETENTION


def test_the_manifest_lists_every_file_and_parquet_object_as_written(done: Run) -> None:
    for record in done.records.values():
        manifest = done.manifest(record.ipe_id)
        assert [f.name for f in manifest.files] == [*evidence.EVIDENCE_FILES, evidence.PACKAGE_ZIP]
        for packaged in manifest.files:
            locked = done.bucket.objects[manifest.prefix + packaged.name]
            assert packaged.sha256 == sha256_hex(locked.body)
            assert (packaged.size, packaged.version_id) == (len(locked.body), locked.version_id)
        assert [(p.key, p.sha256, p.version_id, p.size) for p in manifest.parquet] == [
            (part.key, part.sha256, part.version_id, part.bytes) for part in record.parts
        ]
        assert manifest.rows == record.rows == sum(p.rows for p in manifest.parquet)
        written_totals = {
            check.name.removeprefix("control_total."): check.actual
            for check in record.checks
            if check.name.startswith("control_total.")
        }
        assert manifest.control_totals == written_totals
        assert (manifest.status, manifest.run_id, manifest.signing_key_id) == (
            "succeeded",
            record.run_id,
            done.signer.key_id,
        )


def test_the_statement_is_signed_and_names_every_file_and_the_manifest(done: Run) -> None:
    record = done.records["IPE_07"]
    prefix = evidence.package_prefix("IPE_07", CUTOFF, record.run_id)
    statement = done.body(prefix, evidence.STATEMENT)
    signature = done.body(prefix, evidence.SIGNATURE)
    public_key = done.body(prefix, evidence.PUBLIC_KEY)

    verify(public_key, signature, statement)
    digests = evidence.parse_statement(statement)
    assert set(digests) == {*evidence.EVIDENCE_FILES, evidence.PACKAGE_ZIP, evidence.MANIFEST}
    for name, digest in digests.items():
        assert sha256_hex(done.body(prefix, name)) == digest
    with pytest.raises(InvalidSignature):
        verify(public_key, signature, statement.replace(b"manifest", b"manifesto"))


def test_the_zip_holds_the_evidence_files_as_uploaded(done: Run) -> None:
    record = done.records["CR_05"]
    prefix = evidence.package_prefix("CR_05", CUTOFF, record.run_id)
    with zipfile.ZipFile(io.BytesIO(done.body(prefix, evidence.PACKAGE_ZIP))) as archive:
        assert archive.namelist() == list(evidence.EVIDENCE_FILES)
        for name in evidence.EVIDENCE_FILES:
            assert archive.read(name) == done.body(prefix, name)


def test_snapshot_and_summary_are_the_parquet_at_its_versions(done: Run) -> None:
    record = done.records["IPE_07"]
    prefix = evidence.package_prefix("IPE_07", CUTOFF, record.run_id)
    table = pq.read_table(io.BytesIO(done.store.objects[record.parts[0].key][0]))
    snapshot = done.body(prefix, evidence.DATA_SNAPSHOT).decode().splitlines()
    assert snapshot[0].split(",") == table.column_names
    assert len(snapshot) == 1 + 100
    first = table.slice(0, 1).to_pylist()[0]
    assert snapshot[1].split(",")[-1] == str(first["remaining_amount_lcy"])  # exact text

    summary = json.loads(done.body(prefix, evidence.DATA_SUMMARY))
    assert summary["rows"] == record.rows
    columns = {column["name"]: column for column in summary["columns"]}
    every = [pq.read_table(io.BytesIO(done.store.objects[p.key][0])) for p in record.parts]
    amounts = [t.column("remaining_amount_lcy") for t in every]
    assert columns["remaining_amount_lcy"]["min"] == str(min(pc.min(a).as_py() for a in amounts))
    assert columns["remaining_amount_lcy"]["max"] == str(max(pc.max(a).as_py() for a in amounts))
    assert columns["entry_no"]["count"] == record.rows
    assert columns["entry_no"]["nulls"] == 0


def test_no_secret_reaches_a_file(done: Run, nav_bi: Path) -> None:
    for locked in done.bucket.objects.values():
        assert b"sqlite:" not in locked.body
        assert str(nav_bi).encode() not in locked.body


def test_a_run_that_did_not_start_is_packaged_as_failed(nav_bi: Path) -> None:
    store, bucket = InMemoryResultsStore(), InMemoryEvidenceBucket()
    source = source_for(nav_bi)
    result = run_pg01(
        parse_run_request({"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["CR_05"]}, "t"),
        cutoff_setting=None,
        open_source=lambda: opened(source),
        store=store,
        clock=lambda: NOW,
        package_version="0.1.0",
        limits=SMALL_LIMITS,
        budget=TimeBudget(remaining_ms=lambda: 1_000, margin_s=120),
        packager=packager(bucket, InMemoryEvidenceSigner()),
    )
    metrics.clear_metrics()

    [outcome] = result.ipes
    assert outcome.status == "failed"
    assert outcome.evidence_prefix is not None
    manifest = evidence.Manifest.model_validate_json(
        bucket.objects[outcome.evidence_prefix + evidence.MANIFEST].body
    )
    assert (manifest.status, manifest.rows, manifest.parquet) == ("failed", 0, ())


def _emitted(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    metrics.flush_metrics()
    [document] = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    return dict(document)


def test_a_package_that_cannot_be_written_fails_the_outcome_and_is_counted(
    nav_bi: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    metrics.clear_metrics()
    store = InMemoryResultsStore()
    refusing = InMemoryEvidenceBucket(refuse=PermissionError)

    result = run_with_evidence(nav_bi, store, refusing, InMemoryEvidenceSigner(), "CR_05")

    [outcome] = result.ipes
    assert (outcome.status, result.status_code) == ("failed", 500)
    assert outcome.failure is not None
    assert outcome.failure.startswith("evidence package: PermissionError")
    assert outcome.evidence_prefix is None
    [record] = list_runs(store)
    assert record.status == "succeeded"  # the run record stays as the extraction wrote it
    [failed] = [r for r in caplog.records if r.getMessage() == "evidence package failed"]
    assert (failed.__dict__["ipe_id"], failed.__dict__["run_id"]) == ("CR_05", record.run_id)
    assert _emitted(capsys)[PACKAGE_FAILURE_METRIC] == [1.0]


def test_a_package_is_never_overwritten(done: Run) -> None:
    record: RunRecord = done.records["CR_05"]
    prefix = evidence.package_prefix("CR_05", CUTOFF, record.run_id)
    before = {k: o for k, o in done.bucket.objects.items() if k.startswith(prefix)}
    entry = catalog.select(["CR_05"])[0]

    again = package_run(record, entry, done.store, packager(done.bucket, done.signer))
    metrics.clear_metrics()

    assert again.package is None
    assert again.package_failure is not None
    assert ObjectExists.__name__ in again.package_failure
    assert {k: o for k, o in done.bucket.objects.items() if k.startswith(prefix)} == before


def test_the_failure_line_is_what_the_jobs_metric_filter_and_the_alarm_count() -> None:
    resources = load_template(Path(wiring.__file__).with_name("template.yaml"))["Resources"]
    metric_filter = resources["IpeJobPackageFailureMetric"]["Properties"]
    alarm = resources["EvidencePackageFailedAlarm"]["Properties"]

    assert '$.message = "evidence package failed"' in metric_filter["FilterPattern"]
    [transformation] = metric_filter["MetricTransformations"]
    assert transformation["MetricName"] == alarm["MetricName"] == PACKAGE_FAILURE_METRIC
    assert transformation["MetricNamespace"] == alarm["Namespace"]
