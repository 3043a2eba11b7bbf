"""``strongroom sox verify --offline``: a table of checks, exit 0 only when all hold, 1 naming
the failed check and where, 2 for bad input; no AWS involved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rich.console import Console
from typer.testing import CliRunner, Result

from strongroom.cli import app
from strongroom.cli.sox_verify import report_table
from strongroom.cli.sox_views import status_json, status_table
from strongroom.sox_evidence.domain.evidence import DATA_SNAPSHOT
from strongroom.sox_evidence.domain.verification import Check, VerificationReport
from strongroom.sox_evidence.services.evidence_download import download_package
from tests.support.evidence_packages import (
    CUTOFF,
    EVIDENCE_BUCKET,
    IPE_ID,
    RUN_ID,
    in_memory_package,
    public_pem,
)

KEY_ID = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def directory(signing_key: rsa.RSAPrivateKey, tmp_path: Path) -> Path:
    reader, _ = in_memory_package(signing_key, KEY_ID)
    target = tmp_path / "package"
    download_package(reader, EVIDENCE_BUCKET, IPE_ID, CUTOFF, RUN_ID, target)
    return target


def verify(*args: str) -> Result:
    return CliRunner().invoke(app, ["sox", "verify", *args], catch_exceptions=False)


def test_a_clean_package_exits_0_and_says_what_offline_cannot_check(directory: Path) -> None:
    result = verify("ipe_07", CUTOFF.isoformat(), "--offline", str(directory))

    assert result.exit_code == 0, result.output
    assert "package verifies" in result.output
    assert "not checked (offline)" in result.output
    assert "Object Lock" in result.output


def test_a_changed_file_exits_1_naming_the_check_and_the_file(directory: Path) -> None:
    (directory / DATA_SNAPSHOT).write_bytes(b"edited\n")

    result = verify(IPE_ID, CUTOFF.isoformat(), "--offline", str(directory), "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    assert report["passed"] is False
    [failed] = [check for check in report["checks"] if not check["passed"]]
    assert failed["name"] == "file.sha256"
    assert failed["where"] == str(directory / DATA_SNAPSHOT)


def test_a_pinned_public_key_is_checked(
    directory: Path, signing_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    pinned = tmp_path / "trusted.pem"
    pinned.write_bytes(public_pem(signing_key))
    other = tmp_path / "other.pem"
    other.write_bytes(public_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)))

    good = verify(
        IPE_ID, CUTOFF.isoformat(), "--offline", str(directory), "--public-key", str(pinned)
    )
    bad = verify(
        IPE_ID, CUTOFF.isoformat(), "--offline", str(directory), "--public-key", str(other)
    )

    assert good.exit_code == 0, good.output
    assert "pin one with --public-key" not in good.output
    assert bad.exit_code == 1
    assert "public_key.trusted" in bad.output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["IPE_99", "2026-11-30"], "IPE_ID"),
        (["IPE_07", "30/11/2026"], "CUTOFF"),
        (["IPE_07", "2026-11-30", "--run", "latest"], "--run"),
        (["IPE_07", "2026-11-30", "--offline", "/nonexistent/dir"], "--offline"),
    ],
)
def test_bad_input_exits_2_naming_the_field(args: list[str], named: str) -> None:
    result = verify(*args)

    assert result.exit_code == 2
    assert named in result.output


def test_a_public_key_that_is_not_pem_exits_2(directory: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")

    result = verify(
        IPE_ID, CUTOFF.isoformat(), "--offline", str(directory), "--public-key", str(junk)
    )

    assert result.exit_code == 2
    assert "--public-key" in result.output


def test_status_shows_whether_each_last_runs_package_verifies() -> None:
    latest = {"CR_05": None, "IPE_07": None}
    verdicts = {"CR_05": "yes", "IPE_07": "no: parquet.latest_version at s3://r/ipe/k"}

    rows = status_json(latest, verdicts)
    console = Console(width=200, record=True)
    console.print(status_table(latest, None, verdicts))
    shown = console.export_text()

    assert [row["package_verifies"] for row in rows] == ["yes", verdicts["IPE_07"]]
    assert "package verifies" in shown
    assert verdicts["IPE_07"] in shown
    assert "package_verifies" not in status_json(latest)[0]


def test_the_table_folds_passing_checks_by_kind_and_names_each_failure_by_its_place() -> None:
    location = "s3://evidence/evidence/IPE_07/2026-11-30/20261130T080000Z-0a1b2c3d/"
    part = "s3://results/ipe/IPE_07/cutoff_date=2026-11-30/run_id=x/part-00001.parquet"
    checks = [
        Check(
            name="signature",
            where=f"{location}SHA256SUMS.sig",
            expected="a",
            actual="a",
            passed=True,
        ),
        *(
            Check(
                name="file.sha256",
                where=f"{location}{name}?versionId=0123456789abcdef",
                expected="a",
                actual="a" if name != "report.html" else "b",
                passed=name != "report.html",
            )
            for name in ("01_executed_query.sql", "report.html", "package.zip")
        ),
        Check(
            name="parquet.latest_version",
            where=f"{part}?versionId=feedfacecafe0000",
            expected="v1",
            actual="v2",
            passed=False,
        ),
    ]
    report = VerificationReport(
        ipe_id=IPE_ID,
        cutoff_date=CUTOFF,
        run_id=RUN_ID,
        mode="online",
        location=location,
        checks=tuple(checks),
    )
    console = Console(width=200, record=True)
    console.print(report_table(report))
    rows = [line.split() for line in console.export_text().splitlines()]

    assert ["signature", "SHA256SUMS.sig", "pass"] in rows
    assert ["file.sha256", "2", "objects", "pass"] in rows
    assert ["file.sha256", "report.html", "@", "01234567", "FAIL"] in rows
    assert ["parquet.latest_version", "part-00001.parquet", "@", "feedface", "FAIL"] in rows
