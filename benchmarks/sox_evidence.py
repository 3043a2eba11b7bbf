"""sox_evidence: one IPE of about 5,000,000 rows from the SQLite NAV BI stand-in, strongroom's
extraction side by side with the seed's approach, each run in its own process (its own peak RSS).

- The seed's approach: ``pandas.read_sql`` of IPE_07's extraction query into a DataFrame, then
  ``DataFrame.to_parquet`` (pandas' defaults: snappy, money as the float64 ``read_sql`` makes of
  it) to a local file.
- strongroom's extraction alone: the same statement streamed from the cursor in one snapshot
  into ``decimal128`` Parquet parts (zstd), each part's SHA-256 taken and the part copied to a
  local directory (S3 left out on both sides).
- strongroom's full run (``run_ipe``): population count, control totals, witness and exclusion
  keys, the extraction, then every part read back from moto's S3 (moto in a process of its own)
  and every check evaluated; the same for the two smaller IPEs, for their bytes per row.
- strongroom's extraction at about 1,000,000 rows: peak RSS as the result grows.

The stand-in (``localdev.generate``, 8,850,000 ledger entries from 2022 to 2025: IPE_07 holds
about 5,000,000 open entries at 2025-12-31 and about 1,000,000 at 2022-09-30) is generated once
and kept in ``.benchmarks/sox_evidence/`` (``SOX_EVIDENCE_BENCH_DIR`` to move it; about 1.7 GB);
a rerun reuses it. Its generation time is reported apart.

Run: ``python -m benchmarks sox_evidence`` (needs the ``bench`` extra: pandas). The first run
generates the stand-in (23 minutes at a load average of 8), then the runs take about half an
hour. ``SOX_EVIDENCE_BENCH_QUICK=1``: 177,000 entries (about 100,000 and 20,000 rows), a few
minutes, to try the machinery: its results do not test the targets (20,000 rows do not fill
one 50,000-row batch, and pandas' footprint only outgrows strongroom's with millions of rows).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import boto3

from benchmarks.machine import describe
from strongroom.local.emulator import LOCAL_CREDENTIALS
from strongroom.sox_evidence.localdev import generate, holds_generation
from strongroom.sox_evidence.services.ipe_run import DEFAULT_LIMITS

QUICK_VARIABLE: Final = "SOX_EVIDENCE_BENCH_QUICK"
DIRECTORY_VARIABLE: Final = "SOX_EVIDENCE_BENCH_DIR"
DEFAULT_DIRECTORY: Final = Path(__file__).resolve().parents[1] / ".benchmarks" / "sox_evidence"
START: Final = date(2022, 1, 1)
END: Final = date(2025, 12, 31)
LARGE_CUTOFF: Final = date(2025, 12, 31)
SMALL_CUTOFF: Final = date(2022, 9, 30)
OTHER_IPES: Final = ("CR_05", "IPE_08")
RSS_RATIO_TARGET: Final = 5.0
RSS_GROWTH_TARGET: Final = 1.2
FUNCTION_TIMEOUT_S: Final = 900
BUDGET_MARGIN_S: Final = 120.0  # wiring's BUDGET_MARGIN_S default
ATHENA_USD_PER_TB: Final = 5.0
ATHENA_MINIMUM_BYTES: Final = 10 * 1000**2
REGION: Final = "eu-west-1"
BUCKET: Final = "sox-bench-results"
MIB: Final = 1024


@dataclass(frozen=True)
class Size:
    ledger_entries: int
    label: str


FULL: Final = Size(ledger_entries=8_850_000, label="about 5,000,000 / 1,000,000")
QUICK: Final = Size(ledger_entries=177_000, label="100,000 / 20,000 (quick)")


def _pandas_missing() -> str | None:
    if importlib.util.find_spec("pandas") is None:
        return (
            "sox_evidence benchmark: pandas is not installed. It runs the seed's side of the "
            "comparison (pandas.read_sql + to_parquet) and comes with the bench extra: "
            "pip install -e '.[bench]'"
        )
    return None


def _stand_in(folder: Path, entries: int) -> tuple[Path, str]:
    """The cached stand-in, generated when missing; how long that took (or that it was reused)."""
    path = folder / f"nav_bi-{entries}.sqlite"
    if holds_generation(path, entries, start=START, end=END):
        return path, f"reused {path}"
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    generate(path, entries, start=START, end=END)
    took = time.perf_counter() - began
    size = path.stat().st_size / MIB**3
    return path, f"generated {path} in {took:,.0f} s ({size:.2f} GiB)"


def _child(*arguments: str, environment: dict[str, str] | None = None) -> dict[str, Any]:
    answer = subprocess.run(
        [sys.executable, "-m", "benchmarks.sox_evidence_child", *arguments],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    if answer.returncode != 0:
        raise RuntimeError(f"child {arguments[0]} failed:\n{answer.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    print(f"{' '.join(arguments[:1] + arguments[2:3])}: {result}", file=sys.stderr, flush=True)
    return result


@contextmanager
def _moto_s3() -> Iterator[dict[str, str]]:
    """moto's S3 in its own process, the results bucket made versioned as the template makes it;
    the environment a child needs to reach it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.sox_evidence_child", "moto"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = json.loads(process.stdout.readline())["url"]
        environment = {
            **os.environ,
            "AWS_ENDPOINT_URL": url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
        }
        s3 = boto3.session.Session(
            aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
            region_name=REGION,
        ).client("s3", endpoint_url=url)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield environment
    finally:
        process.terminate()
        process.wait(timeout=30)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _rate(run: dict[str, Any]) -> float:
    return float(run["rows"]) / float(run["wall_s"])


def _cpu_rate(run: dict[str, Any]) -> float:
    return float(run["rows"]) / float(run["cpu_s"])


def _row(label: str, run: dict[str, Any]) -> str:
    return (
        f"| {label} | {run['rows']:,} | {run['wall_s']:,.1f} s | {_rate(run):,.0f} "
        f"| {run['cpu_s']:,.1f} s | {_cpu_rate(run):,.0f} | {run['peak_rss_kib'] / MIB:,.0f} MiB "
        f"| {run['rss_after_imports_kib'] / MIB:,.0f} MiB | {run['bytes'] / MIB**2:,.1f} MiB "
        f"| {run['bytes'] / max(run['rows'], 1):,.1f} |"
    )


def _scan_cost(written_bytes: int) -> str:
    scanned = max(written_bytes, ATHENA_MINIMUM_BYTES)
    return f"${scanned / 1000**4 * ATHENA_USD_PER_TB:.6f}"


def _met(passed: bool) -> str:
    return "met" if passed else "MISSED"


def run() -> str:
    missing = _pandas_missing()
    if missing:
        raise SystemExit(missing)
    quick = os.environ.get(QUICK_VARIABLE, "") not in {"", "0", "false"}
    size = QUICK if quick else FULL
    folder = Path(os.environ.get(DIRECTORY_VARIABLE) or DEFAULT_DIRECTORY)
    lines = [
        f"sox_evidence; machine: {describe()}; load average at start {_load()}",
        f"IPE_07 from the SQLite stand-in, {size.ledger_entries:,} ledger entries; "
        f"rows {size.label}; BATCH_ROWS {DEFAULT_LIMITS.batch_rows:,}, "
        f"ROWS_PER_PART {DEFAULT_LIMITS.rows_per_part:,}",
    ]
    database, generation = _stand_in(folder, size.ledger_entries)
    lines += [f"stand-in: {generation}", ""]
    large, small = LARGE_CUTOFF.isoformat(), SMALL_CUTOFF.isoformat()
    # The side-by-side pair runs back to back; what only informs comes last.
    with tempfile.TemporaryDirectory(prefix="sox-bench-") as scratch, _moto_s3() as environment:
        out = Path(scratch)
        extract_small = _child("extract", str(database), small, str(out / "extract-small"))
        extract = _child("extract", str(database), large, str(out / "extract"))
        seed = _child("seed", str(database), large, str(out))
        full = _child("full", str(database), large, "IPE_07", BUCKET, environment=environment)
        seed_small = _child("seed", str(database), small, str(out))
        others = {
            ipe: _child("full", str(database), large, ipe, BUCKET, environment=environment)
            for ipe in OTHER_IPES
        }
    lines += [
        "| run | rows | wall | rows/s | CPU | rows/CPU s | peak RSS | RSS after imports "
        "| Parquet | bytes/row |",
        "|---|---|---|---|---|---|---|---|---|---|",
        _row("seed's approach: read_sql + to_parquet", seed),
        _row("strongroom extraction", extract),
        _row("seed's approach, smaller cutoff", seed_small),
        _row("strongroom extraction, smaller cutoff", extract_small),
        _row(f"strongroom full run, checks ({full['status']})", full),
        *(_row(f"{ipe} full run ({run['status']})", run) for ipe, run in others.items()),
        "",
    ]
    rss_ratio = seed["peak_rss_kib"] / extract["peak_rss_kib"]
    speed_ratio = _rate(extract) / _rate(seed)
    cpu_ratio = _cpu_rate(extract) / _cpu_rate(seed)
    growth = extract["peak_rss_kib"] / extract_small["peak_rss_kib"]
    budget_s = FUNCTION_TIMEOUT_S - BUDGET_MARGIN_S
    lines += [
        f"- peak RSS, seed's approach / strongroom extraction: {rss_ratio:.1f}x "
        f"(target ≥ {RSS_RATIO_TARGET:.0f}x: {_met(rss_ratio >= RSS_RATIO_TARGET)})",
        f"- rows/s, strongroom extraction / seed's approach: {speed_ratio:.2f} "
        f"(target ≥ 1: {_met(speed_ratio >= 1)}); rows per CPU second: {cpu_ratio:.2f}",
        f"- strongroom peak RSS at {extract['rows']:,} vs {extract_small['rows']:,} rows: "
        f"{growth:.2f}x (target ≤ {RSS_GROWTH_TARGET}: {_met(growth <= RSS_GROWTH_TARGET)})",
        f"- seed's pandas columns: {seed['dtypes']} (pandas {seed['pandas']})",
        f"- full run checks: {full['checks']} evaluated, failed {full['failed_checks'] or 'none'}"
        + (f", failure {full['failure']}" if full["failure"] else ""),
        f"- Athena scan of one cutoff's whole IPE_07 (every column, ${ATHENA_USD_PER_TB:.0f}/TB, "
        f"10 MB minimum): {_scan_cost(full['bytes'])}; "
        + ", ".join(f"{ipe} {_scan_cost(run['bytes'])}" for ipe, run in others.items()),
        f"- one function's budget ({FUNCTION_TIMEOUT_S} s less the {BUDGET_MARGIN_S:.0f} s "
        f"margin = {budget_s:.0f} s) at the full run's {_rate(full):,.0f} rows/s: "
        f"~{_rate(full) * budget_s:,.0f} rows of IPE_07 before the container path",
        f"- load average at the end {_load()}",
    ]
    return "\n".join(lines)
