"""docs/sox_evidence.md's "Verifying a package without our tools": its ``openssl`` and
``sha256sum`` commands, taken from the doc as written, run on a package built per the contract
(``domain/evidence.py``) with a local RSA key, pass on the untouched package and fail on each
kind of tampering."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from strongroom.sox_evidence.domain.evidence import (
    EVIDENCE_FILES,
    MANIFEST,
    PACKAGE_ZIP,
    PARQUET_DIR,
    PARQUET_SUMS,
    PUBLIC_KEY,
    SIGNATURE,
    STATEMENT,
    Manifest,
    PackagedFile,
    ParquetObject,
    package_prefix,
    statement,
)

pytestmark = pytest.mark.skipif(
    not (shutil.which("openssl") and shutil.which("sha256sum") and shutil.which("bash")),
    reason="the auditor's commands need openssl, sha256sum and a shell",
)

DOC = Path(__file__).parents[3] / "docs" / "sox_evidence.md"
SECTION = "## Verifying a package without our tools"
KMS_DER = "kms_public_key.der"
"""What the doc's ``aws kms get-public-key ... | base64 -d`` writes: the key's DER SPKI."""
PARQUET_PARTS = {
    "part-00000.parquet": b"PAR1 first part PAR1",
    "part-00001.parquet": b"PAR1 2 PAR1",
}


def doc_commands() -> list[str]:
    """The section's ``openssl`` and ``sha256sum`` command lines, in the doc's order."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    commands, in_block = [], False
    for line in section.splitlines():
        if line.startswith("```"):
            in_block = line.startswith("```sh")
        elif in_block and line.startswith(("openssl ", "sha256sum ")):
            commands.append(line)
    return commands


def command(containing: str) -> str:
    [found] = [line for line in doc_commands() if containing in line]
    return found


VERIFY_SIGNATURE = command("openssl dgst")
CHECK_FILES = command(f"sha256sum -c {STATEMENT}")
CHECK_PARQUET = command(f"sha256sum -c {PARQUET_SUMS}")
KMS_KEY_TO_PEM = command("-inform DER")
COMPARE_KEYS = command("| diff")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return new_key()


def sign(folder: Path, key: rsa.RSAPrivateKey) -> None:
    """``SHA256SUMS.sig`` as KMS signs a RAW message with RSASSA_PKCS1_V1_5_SHA_256."""
    body = (folder / STATEMENT).read_bytes()
    (folder / SIGNATURE).write_bytes(key.sign(body, padding.PKCS1v15(), hashes.SHA256()))


def write_statement(folder: Path) -> None:
    """``SHA256SUMS`` over the files as they are now in ``folder`` (the packager's order)."""
    files = [
        PackagedFile(name=name, size=0, sha256=sha256((folder / name).read_bytes()), version_id="v")
        for name in (*EVIDENCE_FILES, PACKAGE_ZIP)
    ]
    (folder / STATEMENT).write_bytes(statement(sha256((folder / MANIFEST).read_bytes()), files))


@pytest.fixture
def package(tmp_path: Path, key: rsa.RSAPrivateKey) -> Path:
    """A downloaded package as the doc's steps 1, 5 and 6 leave it: the evidence files, the zip,
    the manifest, the signed statement, the public key, ``parquet/`` and the KMS key's DER."""
    parquet = tmp_path / PARQUET_DIR
    parquet.mkdir()
    for name, data in PARQUET_PARTS.items():
        (parquet / name).write_bytes(data)
    sums = "".join(
        f"{sha256(data)}  {PARQUET_DIR}/{name}\n" for name, data in PARQUET_PARTS.items()
    )
    for name in EVIDENCE_FILES:
        (tmp_path / name).write_text(f"evidence {name}\n", encoding="utf-8")
    (tmp_path / PARQUET_SUMS).write_text(sums, encoding="ascii")
    with zipfile.ZipFile(tmp_path / PACKAGE_ZIP, "w") as archive:
        for name in EVIDENCE_FILES:
            archive.write(tmp_path / name, name)
    files = tuple(
        PackagedFile(
            name=name,
            size=(tmp_path / name).stat().st_size,
            sha256=sha256((tmp_path / name).read_bytes()),
            version_id=f"version-{index}",
        )
        for index, name in enumerate((*EVIDENCE_FILES, PACKAGE_ZIP))
    )
    cutoff, run_id = date(2026, 11, 30), "20261201T080002Z-1a2b3c4d"
    manifest = Manifest(
        ipe_id="IPE_07",
        cutoff_date=cutoff,
        run_id=run_id,
        status="succeeded",
        evidence_bucket="jumia-sox-evidence",
        prefix=package_prefix("IPE_07", cutoff, run_id),
        files=files,
        parquet=tuple(
            ParquetObject(
                bucket="jumia-sox-results",
                key=f"ipe/IPE_07/cutoff_date=2026-11-30/run_id={run_id}/{name}",
                size=len(data),
                sha256=sha256(data),
                version_id=f"parquet-version-{name}",
                rows=10,
            )
            for name, data in PARQUET_PARTS.items()
        ),
        rows=20,
        control_totals={"remaining_amount_lcy": "1234.56"},
        retain_until=datetime(2033, 12, 1, 8, 0, 2, tzinfo=UTC),
        signing_key_id="local:test",
        created_at=datetime(2026, 12, 1, 8, 0, 30, tzinfo=UTC),
    )
    (tmp_path / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    write_statement(tmp_path)
    sign(tmp_path, key)
    public = key.public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / PUBLIC_KEY).write_bytes(pem)
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / KMS_DER).write_bytes(der)
    return tmp_path


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str


def run(line: str, folder: Path) -> Outcome:
    done = subprocess.run(
        ["bash", "-c", line],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return Outcome(done.returncode, done.stdout + done.stderr)


def test_the_section_gives_every_command_an_auditor_runs() -> None:
    assert (
        f"openssl dgst -sha256 -verify {PUBLIC_KEY} -signature {SIGNATURE} {STATEMENT}"
    ) == VERIFY_SIGNATURE
    assert f"sha256sum -c {STATEMENT}" == CHECK_FILES
    assert f"sha256sum -c {PARQUET_SUMS}" == CHECK_PARQUET


def test_an_untouched_package_passes_every_command(package: Path) -> None:
    outcomes = [run(line, package) for line in doc_commands()]

    assert [outcome.code for outcome in outcomes] == [0] * len(outcomes), outcomes
    by_command = dict(zip(doc_commands(), outcomes, strict=True))
    assert by_command[VERIFY_SIGNATURE].output.strip() == "Verified OK"
    assert by_command[CHECK_FILES].output.count(": OK") == len(EVIDENCE_FILES) + 2
    assert by_command[CHECK_PARQUET].output.count(": OK") == len(PARQUET_PARTS)
    assert "public_key.pem is the KMS key's" in by_command[COMPARE_KEYS].output


def change_an_evidence_file(folder: Path) -> None:
    with (folder / "06_validation_results.json").open("a", encoding="utf-8") as stream:
        stream.write('{"passed": true}\n')


def edit_the_manifest(folder: Path) -> None:
    manifest = folder / MANIFEST
    manifest.write_text(manifest.read_text().replace('"rows": 20', '"rows": 21'))


def remove_a_file(folder: Path) -> None:
    (folder / "03_data_snapshot.csv").unlink()


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (change_an_evidence_file, "06_validation_results.json: FAILED"),
        (edit_the_manifest, f"{MANIFEST}: FAILED"),
        (remove_a_file, "03_data_snapshot.csv: FAILED open or read"),
    ],
    ids=["changed file", "edited manifest", "missing file"],
)
def test_a_changed_or_missing_file_fails_the_check_naming_it(
    package: Path, tamper: Callable[[Path], None], named: str
) -> None:
    tamper(package)

    outcome = run(CHECK_FILES, package)

    assert outcome.code != 0
    assert named in outcome.output
    assert run(VERIFY_SIGNATURE, package).code == 0  # the statement itself is intact


def test_a_statement_rewritten_to_match_fails_the_signature(package: Path) -> None:
    edit_the_manifest(package)
    write_statement(package)

    assert run(CHECK_FILES, package).code == 0
    outcome = run(VERIFY_SIGNATURE, package)
    assert outcome.code != 0
    assert "Verification failure" in outcome.output


def test_a_package_resigned_with_another_key_fails_only_the_key_comparison(package: Path) -> None:
    edit_the_manifest(package)
    write_statement(package)
    forger = new_key()
    sign(package, forger)
    (package / PUBLIC_KEY).write_bytes(
        forger.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )

    assert run(VERIFY_SIGNATURE, package).code == 0
    assert run(CHECK_FILES, package).code == 0
    assert run(KMS_KEY_TO_PEM, package).code == 0
    outcome = run(COMPARE_KEYS, package)
    assert outcome.code != 0
    assert "is the KMS key's" not in outcome.output


def test_a_doctored_parquet_part_fails_the_parquet_check_naming_it(package: Path) -> None:
    (package / PARQUET_DIR / "part-00001.parquet").write_bytes(b"PAR1 doctored PAR1")

    outcome = run(CHECK_PARQUET, package)

    assert outcome.code != 0
    assert f"{PARQUET_DIR}/part-00001.parquet: FAILED" in outcome.output
