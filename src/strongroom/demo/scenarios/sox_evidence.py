"""SOX evidence: control PG-01's IPEs extracted as of last month's end, proven complete and
accurate, queried; their evidence packages verified, defended and held
(``sox_evidence_package``); then a bad correction in NAV BI makes IPE_07 fail the check that
catches it.

The scenario acts as the finance team's operator (the Invoke API through boto3, as ``aws lambda
invoke`` does; ``strongroom sox`` for the rest) and, for one step, as a DBA editing the NAV BI
stand-in directly (a SQLite file the user owns). The stand-in is copied first and put back
byte for byte at the end, so the demo runs the same every time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from rich.syntax import Syntax
from rich.text import Text

from strongroom.demo.narration import COMMAND_TIMEOUT_SECONDS, STRONGROOM, Narrator, check
from strongroom.demo.scenarios.sox_evidence_package import EvidenceDemo
from strongroom.local.emulator import LOCAL_CREDENTIALS
from strongroom.local.stack import LocalStack

SYSTEM = "sox_evidence"
SECRET = "DB_CREDENTIALS_NAV_BI"  # noqa: S105 - the secret's name, not its value
BROKEN_IPE = "IPE_07"
BROKEN_CHECK = "witness_present"
_INVOKE = Config(read_timeout=COMMAND_TIMEOUT_SECONDS, retries={"total_max_attempts": 1})
# An entry open at the cutoff (the witness query selects it) whose balance the bad correction
# zeroes on the cutoff day, without closing the entry: the population then leaves it out.
WITNESS = """SELECT cle.entry_no, SUM(d.amount_lcy)
FROM cust_ledger_entry AS cle
JOIN detailed_cust_ledg_entry AS d ON d.cust_ledger_entry_no = cle.entry_no
WHERE cle.posting_date <= :cutoff AND cle.closed_at_date > :cutoff AND d.posting_date <= :cutoff
GROUP BY cle.entry_no
ORDER BY cle.entry_no
LIMIT 1"""
QUERY = """SELECT run_id, document_type, COUNT(*) AS entries,
    SUM(remaining_amount_lcy) AS remaining_lcy
FROM ipe_07 WHERE run_id = '{run_id}'
GROUP BY run_id, document_type ORDER BY document_type"""
CORRECTION = """INSERT INTO detailed_cust_ledg_entry
    (entry_no, cust_ledger_entry_no, entry_type, posting_date, amount_lcy)
SELECT MAX(entry_no) + 1, :entry, 'Correction', :cutoff, :amount FROM detailed_cust_ledg_entry"""


def last_month_end(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


class _Operator:
    def __init__(self, stack: LocalStack) -> None:
        self.state_dir = stack.options.state_dir
        outputs = json.loads((self.state_dir / "endpoints.json").read_text(encoding="utf-8"))[
            "outputs"
        ][SYSTEM]
        self.function = str(outputs["FunctionName"])
        self.bucket = str(outputs["ResultsBucketName"])
        self.evidence_bucket = str(outputs["EvidenceBucketName"])
        self._stack = stack
        self._lambda = boto3.session.Session().client(  # type: ignore[call-overload]
            "lambda",
            endpoint_url=stack.emulator.url,
            region_name=stack.emulator.region,
            config=_INVOKE,
            **LOCAL_CREDENTIALS,
        )
        url = stack.client("secretsmanager").get_secret_value(SecretId=SECRET)["SecretString"]
        check(url.startswith("sqlite:///"), f"{SECRET} is not the local SQLite stand-in")
        self.nav_bi = Path(url.removeprefix("sqlite:///"))

    def invoke(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``aws lambda invoke --function-name SOXAuto-PG01 --payload ...`` through boto3."""
        answer = self._lambda.invoke(
            FunctionName=self.function,
            InvocationType="RequestResponse",
            Payload=json.dumps(payload).encode(),
        )
        check("FunctionError" not in answer, f"the invocation failed: {answer}")
        result: dict[str, Any] = json.loads(answer["Payload"].read())
        return result

    def record(self, key: str) -> dict[str, Any]:
        body = self._stack.client("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read()
        record: dict[str, Any] = json.loads(body)
        return record

    def strongroom(self, *arguments: str, columns: int = 160) -> subprocess.CompletedProcess[str]:
        """``strongroom ARGUMENTS`` whatever it exits with (a failing IPE exits 1)."""
        return subprocess.run(  # noqa: S603 - our own command, arguments from the scenario
            [*STRONGROOM, *arguments, "--state-dir", str(self.state_dir)],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            env={**os.environ, "COLUMNS": str(columns)},
            check=False,
        )


def sox_evidence_scenario(stack: LocalStack, narrator: Narrator) -> None:
    narrator.chapter(
        SYSTEM,
        "SOX evidence (seed 003)",
        "Every month SOXAuto-PG01 extracts each IPE of control PG-01 from the NAV BI database "
        "as of the cutoff, streams it to Parquet in the results bucket "
        "(ipe/<IPE>/cutoff_date=<date>/run_id=<id>/), proves it complete and accurate (row "
        "counts, control totals to the cent, witness records present, excluded records absent) "
        "and writes a run record per IPE and a signed evidence package in the Object Lock bucket. "
        "Athena (DuckDB locally) queries the results.",
    )
    operator = _Operator(stack)
    cutoff = last_month_end(datetime.now(UTC).date())
    first = _monthly_run(narrator, operator, cutoff)
    _query(narrator, operator, first)
    EvidenceDemo(
        narrator,
        stack.client("s3"),
        operator.strongroom,
        operator.state_dir,
        (operator.bucket, operator.evidence_bucket),
        first,
    ).play()
    _bad_correction(narrator, operator, cutoff, first)


def _monthly_run(narrator: Narrator, operator: _Operator, cutoff: date) -> dict[str, Any]:
    """The IPE_07 run record of the passing run."""
    payload = {"cutoff_date": cutoff.isoformat()}
    with narrator.step(
        f"`aws lambda invoke --function-name SOXAuto-PG01 --payload "
        f"'{json.dumps(payload)}'` runs every IPE; every check passes"
    ):
        answer = operator.invoke(payload)
        narrator.show(Syntax(json.dumps(answer, indent=2), "json"), title="the function's answer")
        check(answer.get("statusCode") == 200, f"answered {answer.get('statusCode')}")
        ipes = answer["body"]["ipes"]
        check(len(ipes) >= 3, f"{len(ipes)} IPEs ran, the catalog has at least 3")
        records = {ipe["ipe_id"]: operator.record(ipe["record_key"]) for ipe in ipes}
        for ipe_id, record in records.items():
            failed = [check["name"] for check in record["checks"] if not check["passed"]]
            check(record["status"] == "succeeded" and not failed, f"{ipe_id} failed {failed}")
            check(record["rows"] > 0, f"{ipe_id} extracted no rows")
        narrator.say(
            ", ".join(
                f"{ipe_id}: {record['rows']:,} rows, {len(record['checks'])} checks passed"
                for ipe_id, record in records.items()
            )
        )
        return records[BROKEN_IPE]


def _query(narrator: Narrator, operator: _Operator, record: dict[str, Any]) -> None:
    # What a user types at the shell; the run id is the record's (RUN_ID_PATTERN: no quotes).
    sql = " ".join(QUERY.format(run_id=record["run_id"]).split())
    with narrator.step(
        "`strongroom sox query` over the Parquet (DuckDB here, Athena on AWS): the entries and "
        "balance equal the run record's row count and control total"
    ):
        printed = narrator.run(operator.state_dir, "sox", "query", sql, "--csv")
        rows = list(csv.DictReader(io.StringIO(printed)))
        entries = sum(int(row["entries"]) for row in rows)
        balance = sum(Decimal(row["remaining_lcy"]) for row in rows)
        expected = Decimal(record["control_totals"]["remaining_amount_lcy"])
        check(entries == record["rows"], f"{entries} entries, the run wrote {record['rows']}")
        check(balance == expected, f"balance {balance}, the server's total {expected}")
        narrator.say(f"{entries:,} open entries, {balance:,} LCY: equal to the server's, exactly")


def _bad_correction(
    narrator: Narrator, operator: _Operator, cutoff: date, earlier: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory(prefix="strongroom-sox-") as folder:
        backup = Path(folder) / "nav_bi.sqlite"
        shutil.copy2(operator.nav_bi, backup)
        original = _sha256(operator.nav_bi)
        check(_sha256(backup) == original, "the stand-in's copy differs from it")
        try:
            _failing_run(narrator, operator, cutoff, earlier)
        finally:
            staged = operator.nav_bi.with_name(f".{operator.nav_bi.name}.restore")
            shutil.copy2(backup, staged)
            staged.replace(operator.nav_bi)
        with narrator.step("The stand-in is put back as it was (the demo runs the same again)"):
            check(_sha256(operator.nav_bi) == original, "the stand-in differs from its copy")


def _failing_run(
    narrator: Narrator, operator: _Operator, cutoff: date, earlier: dict[str, Any]
) -> None:
    with narrator.step(
        f"A DBA's bad correction in NAV BI makes {BROKEN_IPE} fail `{BROKEN_CHECK}`; "
        "the earlier run is kept"
    ):
        entry, amount = _correct_badly(operator.nav_bi, cutoff)
        narrator.say(
            f"The DBA zeroes ledger entry {entry} on {cutoff} (a detailed entry of "
            f"{-amount} LCY) but leaves it open: the witness query still selects it, the "
            "population (balances ≠ 0) no longer does."
        )
        narrator.show(Syntax(CORRECTION, "sql"), title=f"sqlite3 {operator.nav_bi.name}")
        ran = operator.strongroom("sox", "run", "--cutoff", cutoff.isoformat(), "--ipe", BROKEN_IPE)
        shown = (
            f"$ strongroom sox run --cutoff {cutoff} --ipe {BROKEN_IPE}   (exit {ran.returncode})"
        )
        narrator.show(Text.from_ansi(ran.stdout.rstrip() + "\n" + ran.stderr.rstrip()), title=shown)
        check(ran.returncode == 1, f"exited {ran.returncode}, a failed IPE exits 1")
        check(BROKEN_CHECK in ran.stderr, f"the failure does not name {BROKEN_CHECK}")
        status = narrator.run(operator.state_dir, "sox", "status", "--cutoff", cutoff.isoformat())
        check("failed" in status, "sox status does not show the failed run")
        kept = operator.record(
            f"runs/{BROKEN_IPE}/cutoff_date={cutoff.isoformat()}/run_id={earlier['run_id']}.json"
        )
        check(kept == earlier, "the earlier run record changed")


def _correct_badly(path: Path, cutoff: date) -> tuple[int, Decimal]:
    """The bad correction: the first entry the witness query selects, zeroed on the cutoff."""
    with closing(sqlite3.connect(path)) as db, db:
        found = db.execute(WITNESS, {"cutoff": cutoff.isoformat()}).fetchone()
        check(found is not None, f"no {BROKEN_IPE} entry is open at {cutoff}")
        entry, balance = int(found[0]), found[1]
        db.execute(CORRECTION, {"entry": entry, "cutoff": cutoff.isoformat(), "amount": -balance})
    return entry, Decimal(str(balance))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
