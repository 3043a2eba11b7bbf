"""What verifying an evidence package found: one line per check, each with where it looked.

The checks are pure comparisons of what was read (bytes, digests, versions, retention) with what
the signed manifest says; reading is the service's and the adapters' job. A report passes only
when it holds at least one check and every check passed; what could not be checked (offline: S3
versions and retention) is said, never counted as passed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.domain.evidence import MANIFEST, Manifest, parse_statement, statement


class Check(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    """What was checked (``signature``, ``file.sha256``, ``parquet.latest_version`` ...)."""
    where: str
    """``s3://bucket/key?versionId=...`` or a file path."""
    expected: str
    actual: str
    passed: bool


class VerificationReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    ipe_id: str
    cutoff_date: date
    run_id: str
    mode: Literal["online", "offline"]
    location: str
    """The package's prefix (``s3://bucket/evidence/...``) or the offline directory."""
    checks: tuple[Check, ...]
    not_checked: tuple[str, ...] = ()
    """What this mode cannot prove, said in the output."""

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    @property
    def first_failure(self) -> Check | None:
        failures = self.failures
        return failures[0] if failures else None


def check(name: str, where: str, expected: object, actual: object) -> Check:
    """A check that passes when what was found equals what was expected (as text)."""
    return Check(
        name=name,
        where=where,
        expected=str(expected),
        actual=str(actual),
        passed=expected == actual,
    )


def failed(name: str, where: str, expected: str, actual: str) -> Check:
    return Check(name=name, where=where, expected=expected, actual=actual, passed=False)


def s3_where(bucket: str, key: str, version_id: str | None = None) -> str:
    suffix = f"?versionId={version_id}" if version_id else ""
    return f"s3://{bucket}/{key}{suffix}"


def identity_check(
    manifest: Manifest, ipe_id: str, cutoff: date, run_id: str | None, where: str
) -> Check:
    """The manifest describes the package asked for, not another run's copied in."""
    expected = f"{ipe_id} {cutoff.isoformat()} {run_id or manifest.run_id}"
    actual = f"{manifest.ipe_id} {manifest.cutoff_date.isoformat()} {manifest.run_id}"
    return check("manifest.identity", where, expected, actual)


def single_version_check(where: str, versions: Sequence[tuple[str, bool]]) -> Check:
    """``versions``: (version id, is a delete marker) of one key, newest first. One
    version and no delete marker: the object was written once and nothing was put over it."""
    shown = ", ".join(f"{vid} (delete marker)" if marker else vid for vid, marker in versions)
    count = len(versions)
    return Check(
        name="object.single_version",
        where=where,
        expected="1 version",
        actual=f"{count} version{'s' if count != 1 else ''}: {shown or 'none'}",
        passed=count == 1 and not versions[0][1],
    )


def statement_checks(
    manifest: Manifest, manifest_sha256: str, signed: bytes, where: str
) -> list[Check]:
    """``SHA256SUMS`` names ``manifest.json`` with its true digest, and lists exactly the
    manifest's files with the manifest's digests (so what is signed is what the manifest says)."""
    try:
        listed = parse_statement(signed)
    except (ValueError, UnicodeDecodeError) as error:
        return [failed("statement.format", where, "'<sha256>  <name>' lines", str(error))]
    checks = [
        check(f"statement.{MANIFEST}", where, manifest_sha256, listed.get(MANIFEST, "not listed"))
    ]
    rebuilt = statement(manifest_sha256, manifest.files)
    differing = _differing_lines(rebuilt, signed)
    checks.append(
        Check(
            name="statement.matches_manifest",
            where=where,
            expected=f"{len(manifest.files) + 1} lines built from the manifest",
            actual="identical" if not differing else "differs: " + "; ".join(differing),
            passed=not differing,
        )
    )
    return checks


def _differing_lines(expected: bytes, actual: bytes) -> list[str]:
    wanted = expected.decode("ascii").splitlines()
    found = actual.decode("ascii", errors="replace").splitlines()
    missing = [f"missing '{line}'" for line in wanted if line not in found]
    extra = [f"unexpected '{line}'" for line in found if line not in wanted]
    order = ["lines out of order"] if not missing and not extra and wanted != found else []
    return missing + extra + order


def public_key_check(
    package_pem: bytes, trusted_der: bytes | None, where: str, source: str
) -> Check:
    """``public_key.pem`` is the trusted key (KMS's, or the one pinned with --public-key);
    ``trusted_der`` None: the trusted key could not be read (``source`` says why)."""
    if trusted_der is None:
        return failed("public_key.trusted", where, "the trusted key", source)
    try:
        package_der = pem_to_der(package_pem)
    except ValueError as error:
        return failed("public_key.trusted", where, f"the key of {source}", str(error))
    same = package_der == trusted_der
    return Check(
        name="public_key.trusted",
        where=where,
        expected=f"the key of {source}",
        actual="the same key" if same else "a different key",
        passed=same,
    )


def pem_to_der(pem: bytes) -> bytes:
    """The DER inside one PEM block (base64 between its BEGIN and END lines)."""
    lines = pem.decode("ascii", errors="replace").strip().splitlines()
    if (
        len(lines) < 3
        or not lines[0].startswith("-----BEGIN ")
        or not lines[-1].startswith("-----END ")
    ):
        raise ValueError("not a PEM block (-----BEGIN ... -----END ...)")
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except binascii.Error as error:
        raise ValueError(f"PEM body is not base64: {error}") from None


def digest_check(name: str, where: str, expected_sha256: str, actual_sha256: str) -> Check:
    return check(name, where, expected_sha256, actual_sha256)


def totals_checks(
    manifest: Manifest, rows: int, totals: Mapping[str, Decimal], where: str
) -> list[Check]:
    """Rows recounted from the footers and each control total re-added, against the manifest."""
    checks = [check("parquet.rows", where, manifest.rows, rows)]
    for column, recorded in manifest.control_totals.items():
        try:
            expected: Decimal | str = Decimal(recorded)
        except InvalidOperation:
            expected = recorded
        found = totals.get(column)
        checks.append(
            Check(
                name=f"parquet.control_total.{column}",
                where=where,
                expected=recorded,
                actual="column missing" if found is None else str(found),
                passed=found is not None and found == expected,
            )
        )
    return checks


def retention_check(
    where: str,
    required_until: datetime,
    mode: str | None,
    retain_until: datetime | None,
) -> Check:
    """COMPLIANCE until at least the manifest's ``retain_until``."""
    actual = "no retention" if mode is None else f"{mode} until {_iso(retain_until)}"
    passed = mode == "COMPLIANCE" and retain_until is not None and retain_until >= required_until
    return Check(
        name="object.retention",
        where=where,
        expected=f"COMPLIANCE until {_iso(required_until)} or later",
        actual=actual,
        passed=passed,
    )


def _iso(moment: datetime | None) -> str:
    return "?" if moment is None else moment.isoformat()


def unexpected_objects_check(where: str, unexpected: Iterable[str]) -> Check:
    """No object under the package prefix that the package does not list."""
    extra = sorted(set(unexpected))
    return Check(
        name="package.no_unexpected_objects",
        where=where,
        expected="only the package's objects",
        actual=", ".join(extra) if extra else "only the package's objects",
        passed=not extra,
    )
