"""docs/sox_evidence.md's "Verifying a package without our tools": its ``openssl`` and
``sha256sum`` commands, taken from the doc as written, run on a package built per the contract
(``domain/evidence.py``, ``tests/support/evidence_packages.py``) with a local RSA key and laid
out by ``sox download``, pass on the untouched package and fail on each
kind of tampering."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
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
    PackagedFile,
    statement,
)
from strongroom.sox_evidence.services.evidence_download import download_package
from tests.support.evidence_packages import (
    AMOUNTS,
    CUTOFF,
    EVIDENCE_BUCKET,
    IPE_ID,
    RUN_ID,
    in_memory_package,
)

pytestmark = pytest.mark.skipif(
    not (shutil.which("openssl") and shutil.which("sha256sum") and shutil.which("bash")),
    reason="the auditor's commands need openssl, sha256sum and a shell",
)

DOC = Path(__file__).parents[3] / "docs" / "sox_evidence.md"
SECTION = "## Verifying a package without our tools"
KMS_DER = "kms_public_key.der"
"""What the doc's ``aws kms get-public-key ... | base64 -d`` writes: the key's DER SPKI."""


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
    """A downloaded package as the doc's steps 1, 5 and 6 leave it: ``sox download``'s layout
    (the evidence files, the zip, the manifest, the signed statement, the public key and
    ``parquet/``) plus the KMS key's DER."""
    reader, _ = in_memory_package(key, "local:test")
    download_package(reader, EVIDENCE_BUCKET, IPE_ID, CUTOFF, RUN_ID, tmp_path)
    der = key.public_key().public_bytes(
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
    parts = len(list((package / PARQUET_DIR).glob("*.parquet")))
    assert parts == len(AMOUNTS)
    assert by_command[CHECK_PARQUET].output.count(": OK") == parts
    assert "public_key.pem is the KMS key's" in by_command[COMPARE_KEYS].output


def change_an_evidence_file(folder: Path) -> None:
    with (folder / "06_validation_results.json").open("a", encoding="utf-8") as stream:
        stream.write('{"passed": true}\n')


def edit_the_manifest(folder: Path) -> None:
    manifest = folder / MANIFEST
    edited = manifest.read_text().replace('"status": "succeeded"', '"status": "failed"')
    assert edited != manifest.read_text()
    manifest.write_text(edited)


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
    with (package / PARQUET_DIR / "part-00001.parquet").open("r+b") as part:
        part.seek(8)
        part.write(b"\x00")

    outcome = run(CHECK_PARQUET, package)

    assert outcome.code != 0
    assert f"{PARQUET_DIR}/part-00001.parquet: FAILED" in outcome.output
