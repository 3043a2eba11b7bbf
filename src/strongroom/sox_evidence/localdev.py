"""The local stack's NAV BI stand-in: a deterministic SQLite database with the tables the
shipped IPEs read (never deployed: bundles leave ``localdev.py`` out).

The stack's seed (:data:`LOCALDEV`) writes it to ``<state dir>/nav_bi.sqlite`` (kept when it
already holds the same generation) and stores the secret ``DB_CREDENTIALS_NAV_BI`` as the
stand-in's ``sqlite:///`` URL, so the function reaches it through the same SQLAlchemy code as
SQL Server. With ``strongroom up`` running, the seed's own command works with only
``--endpoint-url`` added: ``aws lambda invoke --function-name SOXAuto-PG01 --payload '{}'``.

:func:`generate` writes the same rows for the same arguments, every time: customers and their
ledger entries (``rows`` of them, the demo uses about 100,000) spread over ``start``..``end``
with their detailed entries (initial entries and applications, some dated after any given
month end), weekly FX rates, and vouchers with redemptions. Every IPE has records it must
exclude: entries posted after a cutoff or closed before it, superseded and future FX rates,
test, expired and future vouchers, a currency with no rate yet.

Money is stored with two decimals (rates with six) as SQLite NUMERIC; amounts are built so that
sums are exact in binary floating point (a full application is the exact negation of its entry,
voucher values and redemptions are whole units).
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from strongroom.core.localdev import LOCAL_ACCOUNT_ID, LocalDev, SeedTarget

DEFAULT_START = date(2024, 1, 1)
DEFAULT_END = date(2027, 12, 31)
DEFAULT_ROWS = 100_000
SEED_ROWS = DEFAULT_ROWS
"""Ledger entries the local stack's seed writes (the demo's size)."""
SEED = 3  # seed 003
CURRENCIES = {
    "EUR": ("Euro", 1.0),
    "USD": ("US dollar", 0.92),
    "GBP": ("Pound sterling", 1.16),
    "NGN": ("Nigerian naira", 0.00061),
    "KES": ("Kenyan shilling", 0.0071),
    "EGP": ("Egyptian pound", 0.019),
    "MAD": ("Moroccan dirham", 0.092),
    "ZAR": ("South African rand", 0.05),
    "XOF": ("West African CFA franc", 0.001524),
    "GHS": ("Ghanaian cedi", 0.061),
}
CURRENCY_WITHOUT_RATES = ("UGX", "Ugandan shilling")
VOUCHER_VALUES = (10, 25, 50, 100, 200)
DOCUMENT_KINDS = ("Invoice", "Credit Memo", "Payment")
KIND_CUMULATIVE_WEIGHTS = (70, 80, 100)
"""Weights 70/10/20, accumulated once (``random.choices`` draws the same with either form)."""
INSERT_BATCH = 10_000
"""Rows handed to SQLite per ``executemany``: one call per row dominated a large generation."""

_T = TypeVar("_T")

NAV_BI_FILE = "nav_bi.sqlite"
DATABASE_CREDENTIALS = "DB_CREDENTIALS_NAV_BI"

SCHEMA = """
CREATE TABLE standin_generation (
    description TEXT NOT NULL
);
CREATE TABLE customer (
    customer_no TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country_code TEXT NOT NULL
);
CREATE TABLE cust_ledger_entry (
    entry_no INTEGER PRIMARY KEY,
    customer_no TEXT NOT NULL REFERENCES customer (customer_no),
    posting_date DATE NOT NULL,
    document_type TEXT NOT NULL,
    document_no TEXT NOT NULL,
    currency_code TEXT NOT NULL,
    amount_lcy NUMERIC(18, 2) NOT NULL,
    closed_at_date DATE
);
CREATE TABLE detailed_cust_ledg_entry (
    entry_no INTEGER PRIMARY KEY,
    cust_ledger_entry_no INTEGER NOT NULL REFERENCES cust_ledger_entry (entry_no),
    entry_type TEXT NOT NULL,
    posting_date DATE NOT NULL,
    amount_lcy NUMERIC(18, 2) NOT NULL
);
CREATE INDEX detailed_by_entry ON detailed_cust_ledg_entry (cust_ledger_entry_no, posting_date);
CREATE TABLE currency (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL
);
CREATE TABLE currency_exchange_rate (
    currency_code TEXT NOT NULL REFERENCES currency (code),
    starting_date DATE NOT NULL,
    exchange_rate_amount NUMERIC(18, 6) NOT NULL,
    relational_exch_rate_amount NUMERIC(18, 6) NOT NULL,
    PRIMARY KEY (currency_code, starting_date)
);
CREATE TABLE voucher (
    voucher_no TEXT PRIMARY KEY,
    customer_no TEXT NOT NULL REFERENCES customer (customer_no),
    issue_date DATE NOT NULL,
    expiry_date DATE,
    currency_code TEXT NOT NULL,
    face_value NUMERIC(18, 2) NOT NULL,
    is_test INTEGER NOT NULL
);
CREATE TABLE voucher_redemption (
    entry_no INTEGER PRIMARY KEY,
    voucher_no TEXT NOT NULL REFERENCES voucher (voucher_no),
    redemption_date DATE NOT NULL,
    amount NUMERIC(18, 2) NOT NULL
);
CREATE INDEX redemption_by_voucher ON voucher_redemption (voucher_no, redemption_date);
"""


@dataclass(frozen=True)
class StandInSummary:
    path: Path
    customers: int
    ledger_entries: int
    detailed_entries: int
    exchange_rates: int
    vouchers: int
    redemptions: int


def batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``itertools.batched`` of Python 3.12, as lists."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _day(start: date, span_days: int, index: int, count: int) -> date:
    return start + timedelta(days=index * span_days // max(count, 1))


def _ledger(
    rng: random.Random, rows: int, customers: int, start: date, span: int
) -> Iterator[tuple[tuple[object, ...], list[tuple[object, ...]]]]:
    """Each ledger entry with its detailed entries (initial, and at most one application)."""
    detailed_no = 0
    for entry_no in range(1, rows + 1):
        posted = _day(start, span, entry_no - 1, rows)
        kind = rng.choices(DOCUMENT_KINDS, cum_weights=KIND_CUMULATIVE_WEIGHTS)[0]
        cents = rng.randint(1_000, 500_000)
        amount = cents / 100 if kind == "Invoice" else -cents / 100
        currency = rng.choice(tuple(CURRENCIES))
        detailed_no += 1
        details: list[tuple[object, ...]] = [
            (detailed_no, entry_no, "Initial Entry", posted.isoformat(), amount)
        ]
        closed_at = None
        if rng.random() < 0.6:
            applied = posted + timedelta(days=rng.randint(0, 90))
            if rng.random() < 0.75:
                applied_amount, closed_at = -amount, applied.isoformat()
            else:
                applied_amount = -round(cents * rng.uniform(0.1, 0.9)) / 100
                applied_amount = applied_amount if amount > 0 else -applied_amount
            detailed_no += 1
            details.append(
                (detailed_no, entry_no, "Application", applied.isoformat(), applied_amount)
            )
        customer = f"C{rng.randint(1, customers):05d}"
        prefix = {"Invoice": "SI", "Credit Memo": "SCM", "Payment": "PAY"}[kind]
        entry = (
            entry_no,
            customer,
            posted.isoformat(),
            kind,
            f"{prefix}{entry_no:08d}",
            currency,
            amount,
            closed_at,
        )
        yield entry, details


def _rates(rng: random.Random, start: date, end: date) -> Iterator[tuple[object, ...]]:
    for code, (_name, base) in CURRENCIES.items():
        if code == "EUR":
            continue
        day, rate = start, base
        while day <= end:
            yield code, day.isoformat(), 1.0, round(rate, 6)
            rate *= rng.uniform(0.98, 1.02)
            day += timedelta(days=7)


def _vouchers(
    rng: random.Random, count: int, customers: int, start: date, span: int
) -> Iterator[tuple[tuple[object, ...], list[tuple[object, ...]]]]:
    redemption_no = 0
    for number in range(1, count + 1):
        issued = _day(start, span, number - 1, count)
        expiry = None if rng.random() < 0.3 else (issued + timedelta(days=365)).isoformat()
        value = rng.choice(VOUCHER_VALUES)
        is_test = 1 if rng.random() < 0.02 else 0
        redemptions: list[tuple[object, ...]] = []
        remaining, day = value, issued
        while remaining > 0 and rng.random() < 0.5:
            day += timedelta(days=rng.randint(1, 120))
            amount = rng.randint(1, remaining)
            remaining -= amount
            redemption_no += 1
            voucher_no = f"V{number:08d}"
            redemptions.append((redemption_no, voucher_no, day.isoformat(), float(amount)))
        customer = f"C{rng.randint(1, customers):05d}"
        voucher = (
            f"V{number:08d}",
            customer,
            issued.isoformat(),
            expiry,
            "EUR",
            float(value),
            is_test,
        )
        yield voucher, redemptions


def generate(
    path: Path,
    rows: int = DEFAULT_ROWS,
    *,
    start: date = DEFAULT_START,
    end: date = DEFAULT_END,
    seed: int = SEED,
) -> StandInSummary:
    """Write the stand-in to ``path`` (replacing it whole: a reader never sees half of it)."""
    if rows < 1:
        raise ValueError("rows: must be at least 1")
    rng = random.Random(seed)
    span = (end - start).days + 1
    customers = max(10, rows // 50)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp")
    staging.unlink(missing_ok=True)
    counts = {"detailed": 0, "rates": 0, "vouchers": 0, "redemptions": 0}
    with sqlite3.connect(staging) as db:
        # A staging file that is replaced whole when done: a crash leaves nothing to recover.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO standin_generation VALUES (?)",
            (_generation(rows, start, end, seed),),
        )
        db.executemany(
            "INSERT INTO customer VALUES (?, ?, ?)",
            (
                (f"C{n:05d}", f"Customer {n:05d}", rng.choice(("NG", "KE", "EG", "MA")))
                for n in range(1, customers + 1)
            ),
        )
        for chunk in batched(_ledger(rng, rows, customers, start, span), INSERT_BATCH):
            details = [detail for _entry, entry_details in chunk for detail in entry_details]
            db.executemany(
                "INSERT INTO cust_ledger_entry VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [entry for entry, _details in chunk],
            )
            db.executemany("INSERT INTO detailed_cust_ledg_entry VALUES (?, ?, ?, ?, ?)", details)
            counts["detailed"] += len(details)
        db.executemany(
            "INSERT INTO currency VALUES (?, ?)",
            [(code, name) for code, (name, _rate) in CURRENCIES.items()] + [CURRENCY_WITHOUT_RATES],
        )
        rates = list(_rates(rng, start, end))
        db.executemany("INSERT INTO currency_exchange_rate VALUES (?, ?, ?, ?)", rates)
        counts["rates"] = len(rates)
        vouchers = _vouchers(rng, max(10, rows // 10), customers, start, span)
        for voucher_chunk in batched(vouchers, INSERT_BATCH):
            redemptions = [item for _voucher, items in voucher_chunk for item in items]
            db.executemany(
                "INSERT INTO voucher VALUES (?, ?, ?, ?, ?, ?, ?)",
                [voucher for voucher, _items in voucher_chunk],
            )
            db.executemany("INSERT INTO voucher_redemption VALUES (?, ?, ?, ?)", redemptions)
            counts["vouchers"] += len(voucher_chunk)
            counts["redemptions"] += len(redemptions)
    db.close()
    staging.replace(path)
    return StandInSummary(
        path=path,
        customers=customers,
        ledger_entries=rows,
        detailed_entries=counts["detailed"],
        exchange_rates=counts["rates"],
        vouchers=counts["vouchers"],
        redemptions=counts["redemptions"],
    )


def _generation(rows: int, start: date, end: date, seed: int) -> str:
    return json.dumps(
        {"rows": rows, "start": start.isoformat(), "end": end.isoformat(), "seed": seed},
        sort_keys=True,
    )


def holds_generation(
    path: Path, rows: int, *, start: date = DEFAULT_START, end: date = DEFAULT_END, seed: int = SEED
) -> bool:
    """Whether ``path`` is already the stand-in these arguments would write."""
    if not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT description FROM standin_generation").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == _generation(rows, start, end, seed)


def ensure(path: Path, rows: int = DEFAULT_ROWS) -> Path:
    """The stand-in at ``path``, generated only when it is missing or another generation."""
    if not holds_generation(path, rows):
        generate(path, rows)
    return path


def put_secret(secretsmanager: Any, name: str, value: str) -> None:
    """Create the secret, or give it this value if it exists (a restarted stack)."""
    try:
        secretsmanager.create_secret(Name=name, SecretString=value)
    except secretsmanager.exceptions.ResourceExistsException:
        secretsmanager.put_secret_value(SecretId=name, SecretString=value)


def seed(target: SeedTarget) -> None:
    path = ensure(Path(target.state_dir).resolve() / NAV_BI_FILE, SEED_ROWS)
    put_secret(target.client("secretsmanager"), DATABASE_CREDENTIALS, f"sqlite:///{path}")


ECR_REGION = "us-east-1.amazonaws.com"
LOCALDEV = LocalDev(
    # ECR-shaped (the template derives the image pull permission from it); never pulled: locally
    # a container IPE's Batch job runs as a process of this interpreter.
    parameters={
        "SoxContainerImage": f"{LOCAL_ACCOUNT_ID}.dkr.ecr.{ECR_REGION}/strongroom-sox-ipe",
        # The same COMPLIANCE lock as on AWS, for a day: a restarted stack's state stays small.
        "SoxEvidenceRetentionDays": "1",
    },
    seed=seed,
)
