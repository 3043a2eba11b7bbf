"""Run one IPE for a cutoff: extract in one snapshot, prove completeness and accuracy, record.

Inside one read-consistent transaction: the server's population count and control totals, the
witness and exclusion keys, then the extraction streamed into Parquet parts. After it: the parts
are read back from the bucket (SHA-256, footer row counts, totals of the written rows) and every
check is evaluated. A failed check fails the IPE, but its parts stay, and its run record says
failed; an error (database, bucket) is recorded the same way with its reason. The run record is
written in every case, under a key no other run can take; then the run's evidence package
(``services/evidence_packaging.py``) is built from it, pass or fail. A package that cannot be
written is logged with the IPE and run id, counted (``EvidencePackageFailure``) and fails the
IPE's outcome; the run record stays as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from aws_lambda_powertools.metrics import MetricUnit

from strongroom.core.observability import logger, metrics
from strongroom.sox_evidence.adapters import sql_statements as statements
from strongroom.sox_evidence.adapters.nav_bi import SourceDatabase, as_decimal
from strongroom.sox_evidence.adapters.parquet_parts import write_parts
from strongroom.sox_evidence.adapters.parquet_read_back import read_back
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain import checks
from strongroom.sox_evidence.domain.catalog import CatalogEntry
from strongroom.sox_evidence.domain.membership import KeyMembership
from strongroom.sox_evidence.domain.runs import (
    RunContext,
    RunRecord,
    RunsOn,
    ServerIdentity,
    WrittenPart,
    part_key,
    record_key,
    run_prefix,
)
from strongroom.sox_evidence.domain.schema import arrow_schema
from strongroom.sox_evidence.domain.statements import POPULATION_COUNT, Purpose, RenderedStatement
from strongroom.sox_evidence.services.evidence_packaging import EvidencePackager, PackageLocation

PACKAGE_FAILURE_METRIC = "EvidencePackageFailure"


@dataclass(frozen=True)
class ExtractionLimits:
    batch_rows: int = 50_000
    """Rows fetched from the cursor and written as one row group."""
    rows_per_part: int = 1_000_000
    """A new Parquet part starts after this many rows."""
    max_check_keys: int = 100_000
    """Witness and exclusion keys checked per IPE (the first ones in key order)."""


DEFAULT_LIMITS = ExtractionLimits()


@dataclass(frozen=True)
class IpeRun:
    """An IPE's run record and where its evidence package went (or why it did not)."""

    record: RunRecord
    package: PackageLocation | None = None
    package_failure: str | None = None

    @property
    def failed(self) -> bool:
        return self.record.status == "failed" or self.package_failure is not None

    @property
    def failure(self) -> str | None:
        if self.package_failure is None:
            return self.record.failure
        package = f"evidence package: {self.package_failure}"
        return package if self.record.failure is None else f"{self.record.failure}; {package}"


def _first_line(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def package_run(
    record: RunRecord, entry: CatalogEntry, store: ResultsStore, packager: EvidencePackager | None
) -> IpeRun:
    """The run's evidence package, written after its record; without a packager, none."""
    if packager is None:
        return IpeRun(record)
    try:
        location = packager.package(record, entry, store)
    except Exception as error:  # the run stays recorded; its outcome fails and is counted
        logger.exception("evidence package failed", ipe_id=record.ipe_id, run_id=record.run_id)
        metrics.add_metric(name=PACKAGE_FAILURE_METRIC, unit=MetricUnit.Count, value=1)
        return IpeRun(record, package_failure=_first_line(error))
    logger.info(
        "evidence package written",
        ipe_id=record.ipe_id,
        run_id=record.run_id,
        evidence_bucket=location.bucket,
        evidence_prefix=location.prefix,
        manifest_version_id=location.manifest_version_id,
    )
    return IpeRun(record, package=location)


@dataclass
class _Outcome:
    server: ServerIdentity | None = None
    population: int | None = None
    server_totals: dict[str, Decimal] | None = None
    membership: KeyMembership | None = None


def _server_side(
    entry: CatalogEntry,
    context: RunContext,
    source: SourceDatabase,
    store: ResultsStore,
    run_id: str,
    limits: ExtractionLimits,
    outcome: _Outcome,
    written: list[WrittenPart],
) -> None:
    ipe, cutoff = entry.definition, context.cutoff_date
    with source.snapshot() as snapshot:
        outcome.server = snapshot.identity()
        counted = snapshot.one(statements.completeness(ipe), cutoff)
        outcome.population = int(counted[POPULATION_COUNT])
        totals = snapshot.one(statements.control_totals(ipe), cutoff)
        outcome.server_totals = {name: as_decimal(totals[name]) for name in ipe.control_totals}
        membership = KeyMembership(
            ipe,
            snapshot.keys(statements.witness(ipe), cutoff, limits.max_check_keys),
            snapshot.keys(statements.exclusion(ipe), cutoff, limits.max_check_keys),
            limits.max_check_keys,
        )
        outcome.membership = membership
        write_parts(
            snapshot.stream(statements.extraction(ipe), cutoff, limits.batch_rows),
            store=store,
            schema=arrow_schema(ipe.columns),
            key_for=lambda index: part_key(ipe.id, cutoff, run_id, index),
            rows_per_part=limits.rows_per_part,
            observe=membership.observe,
            written=written,
        )


def _evaluate(
    entry: CatalogEntry,
    rendered: dict[Purpose, RenderedStatement],
    outcome: _Outcome,
    parts: list[WrittenPart],
    store: ResultsStore,
    prefix: str,
) -> list[checks.CheckResult]:
    ipe = entry.definition
    assert outcome.population is not None
    assert outcome.server_totals is not None
    assert outcome.membership is not None
    written_rows = sum(part.rows for part in parts)
    read = read_back(parts, store, ipe.control_totals)
    where = f"s3://{store.bucket}/{prefix}"
    return [
        checks.rows_match(
            "population_count_equals_rows_written",
            rendered["completeness"].sql,
            outcome.population,
            written_rows,
        ),
        checks.rows_match(
            "rows_written_equal_parquet_footers",
            f"row counts in the Parquet footers of {where}part-*.parquet",
            written_rows,
            read.footer_rows,
        ),
        checks.CheckResult(
            name="parts_sha256_match",
            kind="completeness",
            query=f"SHA-256 of every part of {where} as downloaded at its version",
            expected=f"{len(parts)} parts with the SHA-256 they were uploaded with",
            actual="all match" if read.digests_match else f"differ: {list(read.mismatched)}",
            passed=read.digests_match,
        ),
        *checks.totals_match(rendered["control_totals"].sql, outcome.server_totals, read.totals),
        checks.witnesses_present(
            rendered["witness"].sql,
            outcome.membership.witnesses,
            outcome.membership.witnesses_found,
            capped=outcome.membership.witnesses_capped,
        ),
        checks.exclusions_absent(
            rendered["exclusion"].sql,
            len(outcome.membership.exclusions),
            outcome.membership.exclusions_found,
            capped=outcome.membership.exclusions_capped,
        ),
    ]


def record_not_attempted(
    entry: CatalogEntry,
    context: RunContext,
    *,
    store: ResultsStore,
    run_id: str,
    at: datetime,
    reason: str,
    runs_on: RunsOn = "lambda",
    batch_job_id: str | None = None,
) -> RunRecord:
    """The record of an IPE the run did not start (too little of the function's time left, or
    its Batch job was refused)."""
    record = _record(
        entry,
        context,
        run_id,
        started_at=at,
        ended_at=at,
        failure=f"not attempted: {reason}",
        runs_on=runs_on,
        batch_job_id=batch_job_id,
    )
    _save(record, store)
    return record


def _record(
    entry: CatalogEntry,
    context: RunContext,
    run_id: str,
    *,
    started_at: datetime,
    ended_at: datetime,
    failure: str | None,
    succeeded: bool = False,
    parts: tuple[WrittenPart, ...] = (),
    control_totals: dict[str, Decimal] | None = None,
    check_results: tuple[checks.CheckResult, ...] = (),
    sent: tuple[RenderedStatement, ...] = (),
    server: ServerIdentity | None = None,
    runs_on: RunsOn = "lambda",
    batch_job_id: str | None = None,
) -> RunRecord:
    """One IPE's record: who it is (from the catalog) and what the run did."""
    ipe = entry.definition
    return RunRecord(
        run_id=run_id,
        ipe_id=ipe.id,
        ipe_title=ipe.title,
        control=ipe.control,
        catalog_file=entry.source_file,
        catalog_sha256=entry.sha256,
        context=context,
        started_at=started_at,
        ended_at=ended_at,
        status="succeeded" if succeeded else "failed",
        failure=failure,
        rows=sum(part.rows for part in parts),
        bytes=sum(part.bytes for part in parts),
        parts=parts,
        control_totals=control_totals or {},
        checks=check_results,
        statements=sent,
        server=server,
        runs_on=runs_on,
        batch_job_id=batch_job_id,
    )


def _save(record: RunRecord, store: ResultsStore) -> None:
    store.put_bytes(
        record_key(record.ipe_id, record.context.cutoff_date, record.run_id),
        record.model_dump_json(indent=2).encode(),
        "application/json",
    )


def run_ipe(
    entry: CatalogEntry,
    context: RunContext,
    *,
    source: SourceDatabase,
    store: ResultsStore,
    run_id: str,
    clock: Callable[[], datetime],
    limits: ExtractionLimits = DEFAULT_LIMITS,
    runs_on: RunsOn = "lambda",
    batch_job_id: str | None = None,
    packager: EvidencePackager | None = None,
) -> IpeRun:
    """The one code path of an extraction, its checks and its evidence package, in the
    function or a Batch job."""
    ipe, cutoff = entry.definition, context.cutoff_date
    started_at = clock()
    plan = [
        statements.completeness(ipe),
        statements.control_totals(ipe),
        statements.witness(ipe),
        statements.exclusion(ipe),
        statements.extraction(ipe),
    ]
    rendered = {s.purpose: statements.render(s, source.dialect, cutoff) for s in plan}
    outcome, parts = _Outcome(), list[WrittenPart]()
    results: list[checks.CheckResult] = []
    failure: str | None = None
    prefix = run_prefix(ipe.id, cutoff, run_id)
    try:
        _server_side(entry, context, source, store, run_id, limits, outcome, parts)
        results = _evaluate(entry, rendered, outcome, parts, store, prefix)
    except Exception as error:  # one IPE's failure is recorded; the others still run
        logger.exception("IPE run failed", ipe_id=ipe.id, run_id=run_id)
        failure = _first_line(error)
    passed = failure is None and all(result.passed for result in results)
    record = _record(
        entry,
        context,
        run_id,
        started_at=started_at,
        ended_at=clock(),
        failure=failure,
        succeeded=passed,
        parts=tuple(parts),
        control_totals=outcome.server_totals or {},
        check_results=tuple(results),
        sent=tuple(rendered.values()),
        server=outcome.server,
        runs_on=runs_on,
        batch_job_id=batch_job_id,
    )
    _save(record, store)
    return package_run(record, entry, store, packager)
