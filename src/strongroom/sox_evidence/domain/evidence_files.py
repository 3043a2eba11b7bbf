"""The evidence files of a package, rendered from the run record and what the Parquet holds.

Pure: every function turns models into bytes. The same inputs give the same bytes (sorted keys,
fixed zip timestamps), so a package can be rebuilt and compared. Nothing secret is rendered: the
run record holds no connection string, and the statements' bound values are the cutoff only.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.domain import evidence
from strongroom.sox_evidence.domain.runs import RunRecord
from strongroom.sox_evidence.domain.statements import RenderedStatement

SNAPSHOT_ROWS = 100
"""Rows of the data snapshot (03_data_snapshot.csv): the first ones in the extraction's order."""
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""Every zip entry's time (zip's earliest): the same files always make the same package.zip."""


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def as_text(value: object) -> str:
    """A cell as exact text: decimals as written (``Decimal.__str__``), dates ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


@dataclass
class ColumnProfile:
    """Count, nulls, min and max of one column, added up a batch at a time."""

    name: str
    type: str
    count: int = 0
    nulls: int = 0
    minimum: Any = None
    maximum: Any = None

    def add(self, values: int, nulls: int, minimum: Any, maximum: Any) -> None:
        self.count += values
        self.nulls += nulls
        if minimum is not None and (self.minimum is None or minimum < self.minimum):
            self.minimum = minimum
        if maximum is not None and (self.maximum is None or maximum > self.maximum):
            self.maximum = maximum

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.type,
            "count": self.count,
            "nulls": self.nulls,
            "min": None if self.minimum is None else as_text(self.minimum),
            "max": None if self.maximum is None else as_text(self.maximum),
        }


@dataclass
class ParquetProfile:
    """What the run's Parquet objects hold, read at their versions."""

    rows_per_part: dict[str, int] = field(default_factory=dict)
    columns: list[ColumnProfile] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    first_rows: list[Sequence[object]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.rows_per_part.values())


class RuntimeInfo(BaseModel):
    """Where the packaging ran: the interpreter and the versions of what shaped the files."""

    model_config = ConfigDict(frozen=True)

    python: str
    dependencies: dict[str, str]


def _json(document: object) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, default=as_text) + "\n").encode()


def ordered_statements(record: RunRecord) -> list[RenderedStatement]:
    """Every statement the run sent, the extraction last."""
    others = [s for s in record.statements if s.purpose != "extraction"]
    return others + [s for s in record.statements if s.purpose == "extraction"]


def executed_query(record: RunRecord) -> bytes:
    """01: each statement exactly as sent, headed by its purpose, SHA-256 and bound values."""
    blocks = [
        f"-- IPE {record.ipe_id} ({record.ipe_title}), run {record.run_id}\n"
        f"-- {len(record.statements)} statements in one read-consistent transaction, "
        "the extraction last\n"
    ]
    for number, sent in enumerate(ordered_statements(record), start=1):
        bound = ", ".join(f"{name} = {value}" for name, value in sorted(sent.parameters.items()))
        blocks.append(
            f"-- [{number}] purpose: {sent.purpose}\n"
            f"-- dialect: {sent.dialect}; sha256: {sent.sha256}\n"
            f"-- bound: {bound or 'none'}\n"
            f"{sent.sql}\n"
        )
    return "\n".join(blocks).encode()


def query_parameters(record: RunRecord) -> bytes:
    """02: what the statements were run with and which catalog definition they came from."""
    dialects = sorted({sent.dialect for sent in record.statements})
    return _json(
        {
            "ipe_id": record.ipe_id,
            "ipe_title": record.ipe_title,
            "control": record.control,
            "cutoff_date": record.context.cutoff_date,
            "cutoff_source": record.context.cutoff_source,
            "catalog_file": record.catalog_file,
            "catalog_sha256": record.catalog_sha256,
            "dialect": dialects[0] if len(dialects) == 1 else dialects,
            "bound_parameters": {s.purpose: s.parameters for s in ordered_statements(record)},
        }
    )


def data_snapshot(profile: ParquetProfile) -> bytes:
    """03: the header and the first rows as CSV (decimals as exact text, empty for NULL)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(profile.header)
    writer.writerows([as_text(value) for value in row] for row in profile.first_rows)
    return out.getvalue().encode()


def data_summary(record: RunRecord, profile: ParquetProfile) -> bytes:
    """04: rows, control totals (server and Parquet) and each column's count, nulls, min, max."""
    totals = {
        column: {
            "server": as_text(record.control_totals.get(column)),
            "parquet": as_text(profile.totals.get(column)),
        }
        for column in sorted(set(record.control_totals) | set(profile.totals))
    }
    return _json(
        {
            "ipe_id": record.ipe_id,
            "run_id": record.run_id,
            "rows": profile.rows,
            "rows_recorded": record.rows,
            "control_totals": totals,
            "columns": [column.summary() for column in profile.columns],
        }
    )


def integrity_hashes(parquet: Sequence[evidence.ParquetObject]) -> bytes:
    """05: every Parquet object's SHA-256, version id, size and rows."""
    return _json(
        {
            "algorithm": "SHA-256 of the object's exact bytes at its version",
            "objects": [item.model_dump(mode="json") for item in parquet],
        }
    )


def validation_results(record: RunRecord) -> bytes:
    """06: each check with its query, expected and actual value."""
    return _json(
        {
            "status": record.status,
            "failure": record.failure,
            "checks": [check.model_dump(mode="json") for check in record.checks],
        }
    )


def execution_log(record: RunRecord, runtime: RuntimeInfo) -> bytes:
    """07: the run's context: times, trigger, requester, server identity, versions."""
    return _json(
        {
            "run_id": record.run_id,
            "started_at": record.started_at,
            "ended_at": record.ended_at,
            "duration_s": (record.ended_at - record.started_at).total_seconds(),
            "status": record.status,
            "failure": record.failure,
            "trigger": record.context.trigger,
            "requester": record.context.requester,
            "runs_on": record.runs_on,
            "batch_job_id": record.batch_job_id,
            "results_bucket": record.context.results_bucket,
            "server": None if record.server is None else record.server.model_dump(mode="json"),
            "package_version": record.context.package_version,
            "python": runtime.python,
            "dependencies": runtime.dependencies,
        }
    )


def parquet_sums(parquet: Iterable[evidence.ParquetObject]) -> bytes:
    """``PARQUET.SHA256SUMS``: ``sha256sum -c`` over the objects downloaded to ``parquet/``."""
    lines = [f"{item.sha256}  {parquet_file_name(item.key)}\n" for item in parquet]
    return "".join(lines).encode("ascii")


def parquet_file_name(key: str) -> str:
    """Where an object goes in an offline copy: ``parquet/<part-NNNNN.parquet>``."""
    return f"{evidence.PARQUET_DIR}/{key.rpartition('/')[2]}"


def _rows(cells: Iterable[Sequence[object]]) -> str:
    return "".join(
        "<tr>" + "".join(f"<td>{html.escape(as_text(cell))}</td>" for cell in row) + "</tr>\n"
        for row in cells
    )


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in header)
    return f"<table>\n<tr>{head}</tr>\n{_rows(rows)}</table>\n"


_STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:70em}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:.3em .6em;"
    "text-align:left;vertical-align:top}code,pre{font-size:90%}"
    ".passed{color:#060}.failed{color:#a00}"
)


def report(
    record: RunRecord,
    profile: ParquetProfile,
    parquet: Sequence[evidence.ParquetObject],
    prefix: str,
) -> bytes:
    """``report.html``: what an auditor reads first; every value escaped."""
    status = html.escape(record.status)
    facts = [
        ("IPE", f"{record.ipe_id}: {record.ipe_title}"),
        ("Control", record.control),
        ("Cutoff date", record.context.cutoff_date),
        ("Run id", record.run_id),
        ("Status", record.status + (f" ({record.failure})" if record.failure else "")),
        ("Rows in the Parquet objects", profile.rows),
        ("Started / ended (UTC)", f"{record.started_at} / {record.ended_at}"),
        ("Trigger / requester", f"{record.context.trigger} / {record.context.requester}"),
        ("Catalog definition", f"{record.catalog_file} (SHA-256 {record.catalog_sha256})"),
        ("Source server", "" if record.server is None else record.server.server_name),
        ("Evidence prefix", prefix),
    ]
    checks = [
        (c.name, c.kind, "passed" if c.passed else "FAILED", c.expected, c.actual)
        for c in record.checks
    ]
    totals = [
        (column, record.control_totals.get(column), profile.totals.get(column))
        for column in sorted(set(record.control_totals) | set(profile.totals))
    ]
    objects = [(item.key, item.version_id, item.size, item.rows, item.sha256) for item in parquet]
    statements = [(s.purpose, s.dialect, s.sha256) for s in ordered_statements(record)]
    title = html.escape(f"{record.ipe_id} {record.context.cutoff_date} run {record.run_id}")
    body = (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n<title>{title}</title>"
        f"<style>{_STYLE}</style></head><body>\n"
        f"<h1>Evidence package: {title}</h1>\n<p class='{status}'>Result: <b>{status}</b></p>\n"
        + _table(("", ""), facts)
        + "<h2>Completeness and accuracy checks</h2>\n"
        + _table(("check", "kind", "result", "expected", "actual"), checks)
        + "<h2>Control totals</h2>\n"
        + _table(("column", "source server", "Parquet objects"), totals)
        + "<h2>Parquet objects (results bucket, at these versions)</h2>\n"
        + _table(("key", "version id", "bytes", "rows", "SHA-256"), objects)
        + "<h2>Statements sent</h2>\n"
        + f"<p>The SQL text is in <code>{evidence.EXECUTED_QUERY}</code>.</p>\n"
        + _table(("purpose", "dialect", "SHA-256 of the SQL"), statements)
        + "<h2>Verifying this package</h2>\n<pre>"
        + html.escape(
            f"openssl dgst -sha256 -verify {evidence.PUBLIC_KEY} "
            f"-signature {evidence.SIGNATURE} {evidence.STATEMENT}\n"
            f"sha256sum -c {evidence.STATEMENT}\n"
            f"sha256sum -c {evidence.PARQUET_SUMS}   # with the objects in {evidence.PARQUET_DIR}/"
        )
        + "</pre>\n</body></html>\n"
    )
    return body.encode()


def render_files(
    record: RunRecord,
    profile: ParquetProfile,
    parquet: Sequence[evidence.ParquetObject],
    runtime: RuntimeInfo,
    prefix: str,
) -> dict[str, bytes]:
    """Every evidence file, in ``EVIDENCE_FILES`` order."""
    files = {
        evidence.EXECUTED_QUERY: executed_query(record),
        evidence.QUERY_PARAMETERS: query_parameters(record),
        evidence.DATA_SNAPSHOT: data_snapshot(profile),
        evidence.DATA_SUMMARY: data_summary(record, profile),
        evidence.INTEGRITY_HASHES: integrity_hashes(parquet),
        evidence.VALIDATION_RESULTS: validation_results(record),
        evidence.EXECUTION_LOG: execution_log(record, runtime),
        evidence.REPORT: report(record, profile, parquet, prefix),
        evidence.PARQUET_SUMS: parquet_sums(parquet),
    }
    return {name: files[name] for name in evidence.EVIDENCE_FILES}


def package_zip(files: Mapping[str, bytes]) -> bytes:
    """The evidence files in one zip, byte for byte the same for the same files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, so the mode below is read as one
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, body)
    return out.getvalue()


def public_key_pem(der: bytes) -> bytes:
    """A DER SubjectPublicKeyInfo (KMS GetPublicKey) as PEM, as ``openssl`` reads it."""
    encoded = base64.b64encode(der).decode()
    lines = [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    return (
        "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"
    ).encode()
