"""Verifying an evidence package: a clean one passes, each kind of tampering fails naming what
and where, online (the in-memory buckets) and offline (a downloaded directory)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from strongroom.sox_evidence.adapters.in_memory_evidence_reader import InMemoryEvidenceReader
from strongroom.sox_evidence.adapters.in_memory_signing_keys import InMemorySigningKeys
from strongroom.sox_evidence.adapters.pem_signature import signature_valid
from strongroom.sox_evidence.domain.evidence import (
    DATA_SNAPSHOT,
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    STATEMENT,
)
from strongroom.sox_evidence.domain.verification import VerificationReport, pem_to_der
from strongroom.sox_evidence.services.evidence_download import DownloadRefused, download_package
from strongroom.sox_evidence.services.evidence_trust import (
    manifest_key_trust,
    pinned_key_trust,
    stack_key_trust,
)
from strongroom.sox_evidence.services.evidence_verification import (
    NoPackage,
    verify_offline,
    verify_online,
)
from tests.support.evidence_packages import (
    CUTOFF,
    EVIDENCE_BUCKET,
    IPE_ID,
    RESULTS_BUCKET,
    RUN_ID,
    BuiltPackage,
    in_memory_package,
    parquet_part,
    public_pem,
    sign,
)

KEY_ID = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
OTHER_KEY_ID = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def keys(signing_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> InMemorySigningKeys:
    return InMemorySigningKeys({KEY_ID: signing_key, OTHER_KEY_ID: other_key})


@pytest.fixture
def package(signing_key: rsa.RSAPrivateKey) -> tuple[InMemoryEvidenceReader, BuiltPackage]:
    return in_memory_package(signing_key, KEY_ID)


def online(reader: InMemoryEvidenceReader, keys: InMemorySigningKeys) -> VerificationReport:
    trust = manifest_key_trust(keys, signature_valid)
    return verify_online(reader, trust, EVIDENCE_BUCKET, IPE_ID, CUTOFF, RUN_ID)


def failures(report: VerificationReport) -> list[tuple[str, str]]:
    return [(check.name, check.where) for check in report.failures]


def test_a_clean_package_passes_every_check_online(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], keys: InMemorySigningKeys
) -> None:
    reader, built = package

    report = online(reader, keys)

    assert report.passed, failures(report)
    names = {check.name for check in report.checks}
    assert {
        "manifest.identity",
        "signature",
        "public_key.trusted",
        "statement.manifest.json",
        "statement.matches_manifest",
        "file.sha256",
        "parquet.sha256",
        "parquet.latest_version",
        "parquet.rows",
        "parquet.control_total.remaining_amount_lcy",
        "object.single_version",
        "object.retention",
        "package.no_unexpected_objects",
    } <= names
    hashed = [c.where for c in report.checks if c.name == "file.sha256"]
    assert len(hashed) == len(built.manifest.files)
    assert report.not_checked == ()


def test_a_new_version_over_a_parquet_key_fails_naming_the_key_and_both_versions(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], keys: InMemorySigningKeys
) -> None:
    reader, built = package
    item = built.manifest.parquet[0]
    doctored = reader.put(RESULTS_BUCKET, item.key, parquet_part(1, (Decimal(0),)))

    report = online(reader, keys)

    assert not report.passed
    [failure] = report.failures
    assert failure.name == "parquet.latest_version"
    assert failure.where == f"s3://{RESULTS_BUCKET}/{item.key}"
    assert (failure.expected, failure.actual) == (item.version_id, doctored)


def test_a_new_version_over_an_evidence_file_fails_naming_it(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], keys: InMemorySigningKeys
) -> None:
    reader, built = package
    reader.put(EVIDENCE_BUCKET, built.key_of(DATA_SNAPSHOT), b"edited,rows\n")

    report = online(reader, keys)

    assert failures(report) == [
        ("object.single_version", f"s3://{EVIDENCE_BUCKET}/{built.key_of(DATA_SNAPSHOT)}")
    ]
    assert report.failures[0].actual.startswith("2 versions")


def test_a_second_version_of_the_manifest_fails_naming_it(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], keys: InMemorySigningKeys
) -> None:
    reader, built = package
    edited = built.files[MANIFEST].replace(b'"rows": 4', b'"rows": 5')
    assert edited != built.files[MANIFEST]
    reader.put(EVIDENCE_BUCKET, built.key_of(MANIFEST), edited)

    report = online(reader, keys)

    assert ("object.single_version", f"s3://{EVIDENCE_BUCKET}/{built.key_of(MANIFEST)}") in (
        failures(report)
    )


def test_a_delete_marker_over_a_file_fails_naming_it(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], keys: InMemorySigningKeys
) -> None:
    reader, built = package
    reader.delete(EVIDENCE_BUCKET, built.key_of(STATEMENT))

    report = online(reader, keys)

    [failure] = report.failures
    assert failure.where == f"s3://{EVIDENCE_BUCKET}/{built.key_of(STATEMENT)}"
    assert "delete marker" in failure.actual


def test_a_package_resigned_with_another_key_fails_the_key_check(
    package: tuple[InMemoryEvidenceReader, BuiltPackage],
    keys: InMemorySigningKeys,
    other_key: rsa.RSAPrivateKey,
) -> None:
    """Someone with another key re-signs the statement and ships that key's PEM: the signature
    verifies with the PEM, but the PEM is not the KMS key's the manifest names."""
    reader, built = package
    forged = _fresh_package_files(built)
    forged[SIGNATURE] = sign(other_key, built.files[STATEMENT])
    forged[PUBLIC_KEY] = public_pem(other_key)
    rewritten = _reader_with(built, reader, forged)

    report = online(rewritten, keys)

    assert [name for name, _ in failures(report)] == ["public_key.trusted"]
    version = _version(rewritten, built, PUBLIC_KEY)
    assert report.failures[0].where.endswith(f"{PUBLIC_KEY}?versionId={version}")


def test_a_signature_by_another_key_fails_the_signature_check(
    package: tuple[InMemoryEvidenceReader, BuiltPackage],
    keys: InMemorySigningKeys,
    other_key: rsa.RSAPrivateKey,
) -> None:
    reader, built = package
    forged = _fresh_package_files(built)
    forged[SIGNATURE] = sign(other_key, built.files[STATEMENT])

    report = online(_reader_with(built, reader, forged), keys)

    assert [name for name, _ in failures(report)] == ["signature"]


def test_the_function_trusts_only_the_stacks_key_through_kms(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], keys: InMemorySigningKeys
) -> None:
    reader, _ = package

    good = verify_online(
        reader, stack_key_trust(keys, KEY_ID), EVIDENCE_BUCKET, IPE_ID, CUTOFF, RUN_ID
    )
    other = verify_online(
        reader, stack_key_trust(keys, OTHER_KEY_ID), EVIDENCE_BUCKET, IPE_ID, CUTOFF, RUN_ID
    )

    assert good.passed, failures(good)
    assert {name for name, _ in failures(other)} == {
        "manifest.signing_key",
        "signature",
        "public_key.trusted",
    }


def test_an_object_locked_for_less_than_the_manifest_says_fails_retention(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], keys: InMemorySigningKeys
) -> None:
    reader, built = package
    [version] = reader.objects[(EVIDENCE_BUCKET, built.key_of(DATA_SNAPSHOT))]
    assert version.retention is not None
    version.retention = type(version.retention)(
        "GOVERNANCE", built.manifest.retain_until - timedelta(days=1)
    )

    report = online(reader, keys)

    [failure] = report.failures
    assert failure.name == "object.retention"
    assert built.key_of(DATA_SNAPSHOT) in failure.where
    assert failure.actual.startswith("GOVERNANCE")


def test_no_package_under_the_prefix_is_refused_not_failed(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], keys: InMemorySigningKeys
) -> None:
    reader, _ = package
    with pytest.raises(NoPackage, match="20261201T090000Z-00000000"):
        verify_online(
            reader,
            manifest_key_trust(keys, signature_valid),
            EVIDENCE_BUCKET,
            IPE_ID,
            CUTOFF,
            "20261201T090000Z-00000000",
        )


# --- offline ---------------------------------------------------------------------------------


@pytest.fixture
def downloaded(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], tmp_path: Path
) -> tuple[Path, BuiltPackage]:
    reader, built = package
    directory = tmp_path / "package"
    download_package(reader, EVIDENCE_BUCKET, IPE_ID, CUTOFF, RUN_ID, directory)
    return directory, built


def offline(directory: Path, pinned: bytes | None = None) -> VerificationReport:
    trust = pinned_key_trust(signature_valid, pem_to_der(pinned) if pinned else None)
    return verify_offline(directory, trust, IPE_ID, CUTOFF, None)


def test_a_downloaded_package_verifies_offline_and_says_what_it_cannot_check(
    downloaded: tuple[Path, BuiltPackage], signing_key: rsa.RSAPrivateKey
) -> None:
    directory, built = downloaded

    unpinned = offline(directory)
    pinned = offline(directory, public_pem(signing_key))

    assert unpinned.passed, failures(unpinned)
    assert pinned.passed, failures(pinned)
    assert unpinned.run_id == RUN_ID
    assert any("Object Lock" in note for note in unpinned.not_checked)
    assert any("--public-key" in note for note in unpinned.not_checked)
    assert not any("--public-key" in note for note in pinned.not_checked)
    assert sorted(p.name for p in (directory / "parquet").iterdir()) == sorted(
        key.rpartition("/")[2] for key in built.parquet
    )


def test_offline_a_pinned_key_that_is_not_the_packages_fails(
    downloaded: tuple[Path, BuiltPackage], other_key: rsa.RSAPrivateKey
) -> None:
    directory, _ = downloaded

    report = offline(directory, public_pem(other_key))

    assert failures(report) == [("public_key.trusted", str(directory / PUBLIC_KEY))]


def test_offline_a_changed_evidence_file_fails_naming_it(
    downloaded: tuple[Path, BuiltPackage],
) -> None:
    directory, _ = downloaded
    (directory / DATA_SNAPSHOT).write_bytes(b"edited,rows\n")

    assert failures(offline(directory)) == [("file.sha256", str(directory / DATA_SNAPSHOT))]


def test_offline_a_missing_file_fails_naming_it(downloaded: tuple[Path, BuiltPackage]) -> None:
    directory, _ = downloaded
    (directory / DATA_SNAPSHOT).unlink()

    report = offline(directory)

    assert failures(report) == [("file.sha256", str(directory / DATA_SNAPSHOT))]
    assert report.failures[0].actual == "missing"


def test_offline_an_edited_manifest_fails_the_signed_statement(
    downloaded: tuple[Path, BuiltPackage],
) -> None:
    directory, built = downloaded
    edited = built.files[MANIFEST].replace(b'"rows": 4', b'"rows": 5')
    (directory / MANIFEST).write_bytes(edited)

    report = offline(directory)

    assert ("statement.manifest.json", str(directory / STATEMENT)) in failures(report)
    assert ("parquet.rows", "2 Parquet object(s)") in failures(report)


def test_offline_doctored_parquet_fails_its_digest_and_the_control_total(
    downloaded: tuple[Path, BuiltPackage],
) -> None:
    directory, built = downloaded
    name = next(iter(built.parquet)).rpartition("/")[2]

    (directory / "parquet" / name).write_bytes(
        parquet_part(1, (Decimal("10.50"), Decimal("-2.25"), Decimal("1.00")))
    )

    report = offline(directory)

    assert failures(report) == [
        ("parquet.sha256", str(directory / "parquet" / name)),
        ("parquet.control_total.remaining_amount_lcy", "2 Parquet object(s)"),
    ]
    assert report.failures[1].actual == "17.00"


def test_download_refuses_a_directory_that_holds_a_package_file(
    package: tuple[InMemoryEvidenceReader, BuiltPackage], tmp_path: Path
) -> None:
    reader, _ = package
    (tmp_path / MANIFEST).write_text("mine")

    with pytest.raises(DownloadRefused, match=MANIFEST):
        download_package(reader, EVIDENCE_BUCKET, IPE_ID, CUTOFF, RUN_ID, tmp_path)

    assert (tmp_path / MANIFEST).read_text() == "mine"


# --- helpers ---------------------------------------------------------------------------------


def _fresh_package_files(built: BuiltPackage) -> dict[str, bytes]:
    return dict(built.files)


def _reader_with(
    built: BuiltPackage, reader: InMemoryEvidenceReader, files: dict[str, bytes]
) -> InMemoryEvidenceReader:
    """The same run's package written afresh (one version each) with ``files``' bytes for the
    signed files, as a forger with their own bucket would hand it over; Parquet as they are."""
    copy = InMemoryEvidenceReader()
    for (bucket, key), versions in reader.objects.items():
        name = key.removeprefix(built.prefix)
        if bucket == EVIDENCE_BUCKET and name in (SIGNATURE, PUBLIC_KEY):
            retention = versions[0].retention
            copy.put(bucket, key, files[name], retention.retain_until if retention else None)
        else:
            copy.objects[(bucket, key)] = list(versions)
    return copy


def _version(reader: InMemoryEvidenceReader, built: BuiltPackage, name: str) -> str:
    return reader.objects[(EVIDENCE_BUCKET, built.key_of(name))][0].version_id


# --- the statement and the manifest themselves ------------------------------------------------


def test_offline_a_statement_with_an_extra_line_fails_naming_it(
    downloaded: tuple[Path, BuiltPackage], signing_key: rsa.RSAPrivateKey
) -> None:
    directory, built = downloaded
    extra = built.files[STATEMENT] + b"0" * 64 + b"  planted.csv\n"
    (directory / STATEMENT).write_bytes(extra)
    (directory / SIGNATURE).write_bytes(sign(signing_key, extra))

    report = offline(directory, public_pem(signing_key))

    [failure] = report.failures
    assert failure.name == "statement.matches_manifest"
    assert "unexpected" in failure.actual
    assert "planted.csv" in failure.actual


def test_offline_a_statement_that_is_not_sha256sum_format_fails(
    downloaded: tuple[Path, BuiltPackage],
) -> None:
    directory, _ = downloaded
    (directory / STATEMENT).write_bytes(b"not a digest line\n")

    names = [name for name, _ in failures(offline(directory))]

    assert names == ["signature", "statement.format"]


@pytest.mark.parametrize(
    ("body", "check"),
    [(None, "file.present"), (b"{not json", "manifest.format")],
)
def test_offline_a_missing_or_unreadable_manifest_fails_naming_it(
    downloaded: tuple[Path, BuiltPackage], body: bytes | None, check: str
) -> None:
    directory, _ = downloaded
    if body is None:
        (directory / MANIFEST).unlink()
    else:
        (directory / MANIFEST).write_bytes(body)

    report = offline(directory)

    assert failures(report) == [(check, str(directory / MANIFEST))]
    assert not report.passed
