"""Verifying an evidence package: online (S3 at pinned versions, retention, the KMS key) or
offline (the package's files in a directory, no AWS).

Both read the same things through a ``PackageSource`` and run the same checks: the manifest
describes the package asked for; ``SHA256SUMS.sig`` verifies over ``SHA256SUMS``; the key that
signed is the trusted one; ``SHA256SUMS`` names ``manifest.json`` with its true digest and lists
the manifest's files; every listed file and every Parquet object hashes to its recorded SHA-256;
the rows recounted from the footers and the control totals re-added equal the manifest's.
Online adds what only S3 can show: every package key has one version (nothing written over it),
every Parquet key's latest version is still the one recorded, every package object is locked
(COMPLIANCE) until at least ``retain_until``.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from strongroom.sox_evidence.adapters.evidence_reader import (
    ByteSink,
    EvidenceReader,
    ObjectMissing,
    Retention,
)
from strongroom.sox_evidence.adapters.parquet_audit import (
    HashingWriter,
    ParquetFacts,
    audit_hashed,
)
from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain import verification as v
from strongroom.sox_evidence.domain.evidence import (
    MANIFEST,
    PARQUET_DIR,
    PUBLIC_KEY,
    SIGNATURE,
    STATEMENT,
    Manifest,
    PackagedFile,
    ParquetObject,
    package_prefix,
)
from strongroom.sox_evidence.services.evidence_trust import Trust
from strongroom.sox_evidence.services.run_records import latest_run

SIGNED_FILES = (MANIFEST, STATEMENT, SIGNATURE, PUBLIC_KEY)
"""The package's objects the manifest cannot pin to a version (it is one, or signs it)."""

CONCURRENT_REQUESTS = 8
"""Reads, HEADs and downloads in flight at once: they are independent, and each costs a round
trip (boto3's clients are thread-safe)."""


class NoPackage(LookupError):
    """Nothing to verify: no run, or no object under the run's package prefix."""


class PackageSource(Protocol):
    def read(self, name: str) -> bytes:
        """A package file's bytes (at its pinned version online); ``ObjectMissing``."""
        ...

    def where(self, name: str) -> str: ...

    def parquet(self, item: ParquetObject, into: ByteSink) -> None:
        """A Parquet object's bytes at its recorded version; ``ObjectMissing``."""
        ...

    def parquet_where(self, item: ParquetObject) -> str: ...


@dataclass
class S3Package:
    """The package in the evidence bucket; each object read at one version."""

    reader: EvidenceReader
    bucket: str
    prefix: str
    versions: dict[str, str]
    """Package file name -> the version id to read (the manifest's, else the only listed one)."""
    retentions: dict[tuple[str, str], Retention | None] = field(default_factory=dict)
    """(name, version id) -> the retention its GET returned."""

    def read(self, name: str) -> bytes:
        if name not in self.versions:
            raise ObjectMissing(self.where(name))
        version_id = self.versions[name]
        stored = self.reader.get(self.bucket, self.prefix + name, version_id)
        self.retentions[(name, version_id)] = stored.retention
        return stored.body

    def retention(self, name: str, version_id: str) -> Retention | None:
        """The retention the read of that version returned; a HEAD only if it was not read."""
        if (name, version_id) in self.retentions:
            return self.retentions[(name, version_id)]
        return self.reader.retention(self.bucket, self.prefix + name, version_id)

    def where(self, name: str) -> str:
        return v.s3_where(self.bucket, self.prefix + name, self.versions.get(name))

    def parquet(self, item: ParquetObject, into: ByteSink) -> None:
        self.reader.download(item.bucket, item.key, item.version_id, into)

    def parquet_where(self, item: ParquetObject) -> str:
        return v.s3_where(item.bucket, item.key, item.version_id)


@dataclass
class DirectoryPackage:
    """A downloaded package: its files flat in ``root``, the Parquet in ``root/parquet/``."""

    root: Path

    def _path(self, name: str) -> Path:
        return self.root / name

    def read(self, name: str) -> bytes:
        path = self._path(name)
        if not path.is_file():
            raise ObjectMissing(str(path))
        return path.read_bytes()

    def where(self, name: str) -> str:
        return str(self._path(name))

    def _parquet_path(self, item: ParquetObject) -> Path:
        return self.root / PARQUET_DIR / item.key.rpartition("/")[2]

    def parquet(self, item: ParquetObject, into: ByteSink) -> None:
        path = self._parquet_path(item)
        if not path.is_file():
            raise ObjectMissing(str(path))
        with path.open("rb") as source:
            while chunk := source.read(1 << 20):
                into.write(chunk)

    def parquet_where(self, item: ParquetObject) -> str:
        return str(self._parquet_path(item))


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class _Checks:
    """The checks both modes run, collected in order."""

    def __init__(self, source: PackageSource, trust: Trust, pool: ThreadPoolExecutor) -> None:
        self.source = source
        self.trust = trust
        self.pool = pool
        self.found: list[v.Check] = []

    def read(self, name: str) -> bytes | None:
        try:
            return self.source.read(name)
        except ObjectMissing:
            self.found.append(
                v.failed("file.present", self.source.where(name), "present", "missing")
            )
            return None

    def manifest(
        self, ipe_id: str, cutoff: date, run_id: str | None
    ) -> tuple[Manifest, str] | None:
        """The manifest and its SHA-256, or None (a failed check says why)."""
        body = self.read(MANIFEST)
        if body is None:
            return None
        where = self.source.where(MANIFEST)
        try:
            manifest = Manifest.model_validate_json(body)
        except ValidationError as error:
            problem = error.errors(include_url=False, include_input=False)[0]
            place = ".".join(str(p) for p in problem["loc"]) or "manifest"
            self.found.append(
                v.failed("manifest.format", where, "a valid manifest", f"{place}: {problem['msg']}")
            )
            return None
        self.found.append(v.identity_check(manifest, ipe_id, cutoff, run_id, where))
        return manifest, _sha256(body)

    def signature(self, manifest: Manifest, manifest_sha256: str) -> None:
        trusted_key = self.pool.submit(self.trust.trusted_key, manifest)
        signed, signature, pem = self.pool.map(self.read, (STATEMENT, SIGNATURE, PUBLIC_KEY))
        if self.trust.required_key_id is not None:
            self.found.append(
                v.check(
                    "manifest.signing_key",
                    self.source.where(MANIFEST),
                    self.trust.required_key_id,
                    manifest.signing_key_id,
                )
            )
        if signed is None or signature is None or pem is None:
            return
        valid = self.trust.signature_valid(signed, signature, pem)
        self.found.append(
            v.Check(
                name="signature",
                where=self.source.where(SIGNATURE),
                expected=f"{manifest.signing_algorithm} over {STATEMENT} by {self.trust.signed_by}",
                actual="valid" if valid else "invalid",
                passed=valid,
            )
        )
        trusted = trusted_key.result()
        if trusted is not None:
            der, source = trusted
            self.found.append(v.public_key_check(pem, der, self.source.where(PUBLIC_KEY), source))
        self.found.extend(
            v.statement_checks(manifest, manifest_sha256, signed, self.source.where(STATEMENT))
        )

    def files(self, manifest: Manifest) -> None:
        for item, digest in zip(
            manifest.files, self.pool.map(self._file_sha256, manifest.files), strict=True
        ):
            where = self.source.where(item.name)
            if digest is None:
                self.found.append(v.failed("file.sha256", where, item.sha256, "missing"))
                continue
            self.found.append(v.digest_check("file.sha256", where, item.sha256, digest))

    def _file_sha256(self, item: PackagedFile) -> str | None:
        try:
            return _sha256(self.source.read(item.name))
        except ObjectMissing:
            return None

    def parquet(self, manifest: Manifest) -> None:
        columns = list(manifest.control_totals)
        rows, totals, complete = 0, dict.fromkeys(columns, Decimal(0)), True
        every_facts = self.pool.map(
            lambda item: self._parquet_facts(item, columns), manifest.parquet
        )
        for item, facts in zip(manifest.parquet, every_facts, strict=True):
            where = self.source.parquet_where(item)
            if facts is None:
                self.found.append(v.failed("parquet.sha256", where, item.sha256, "missing"))
                complete = False
                continue
            self.found.append(v.digest_check("parquet.sha256", where, item.sha256, facts.sha256))
            if facts.rows is None:
                self.found.append(
                    v.failed("parquet.readable", where, "a Parquet file", str(facts.problem))
                )
                complete = False
                continue
            rows += facts.rows
            for column in list(totals):
                if column in facts.totals:
                    totals[column] += facts.totals[column]
                else:
                    del totals[column]
        where = f"{len(manifest.parquet)} Parquet object(s)"
        if not complete:
            where += ", some missing or unreadable"
        self.found.extend(v.totals_checks(manifest, rows, totals, where))

    def _parquet_facts(self, item: ParquetObject, columns: list[str]) -> ParquetFacts | None:
        with tempfile.TemporaryFile(prefix="sox-verify-") as stream:
            hashing = HashingWriter(stream)
            try:
                self.source.parquet(item, hashing)
            except ObjectMissing:
                return None
            stream.flush()
            stream.seek(0)
            return audit_hashed(stream, columns, hashing.digest.hexdigest(), hashing.size)


def _common_checks(
    checks: _Checks,
    ipe_id: str,
    cutoff: date,
    run_id: str | None,
    pin_files: Callable[[Manifest], None] = lambda _manifest: None,
) -> Manifest | None:
    """Every check both modes run; ``pin_files`` learns the manifest's versions before the
    files are read."""
    found = checks.manifest(ipe_id, cutoff, run_id)
    if found is None:
        return None
    manifest, manifest_sha256 = found
    pin_files(manifest)
    checks.signature(manifest, manifest_sha256)
    checks.files(manifest)
    checks.parquet(manifest)
    return manifest


def verify_online(
    reader: EvidenceReader,
    trust: Trust,
    bucket: str,
    ipe_id: str,
    cutoff: date,
    run_id: str,
) -> v.VerificationReport:
    """The package of ``run_id`` in the evidence bucket ``bucket``; ``NoPackage`` when nothing
    was ever written under its prefix."""
    prefix = package_prefix(ipe_id, cutoff, run_id)
    listed = reader.versions(bucket, prefix)
    if not listed:
        raise NoPackage(f"no evidence package at s3://{bucket}/{prefix}")
    by_key: dict[str, list[tuple[str, bool]]] = {}
    for version in listed:
        by_key.setdefault(version.key, []).append((version.version_id, version.delete_marker))
    # Each object's first version: the one written with the package (any later one fails below).
    first = {
        key.removeprefix(prefix): versions[-1][0]
        for key, versions in by_key.items()
        if not versions[-1][1]
    }
    source = S3Package(reader, bucket, prefix, first)

    def pin_files(manifest: Manifest) -> None:
        source.versions.update({f.name: f.version_id for f in manifest.files if f.version_id})

    with ThreadPoolExecutor(CONCURRENT_REQUESTS, thread_name_prefix="sox-verify") as pool:
        checks = _Checks(source, trust, pool)
        manifest = _common_checks(checks, ipe_id, cutoff, run_id, pin_files)
        if manifest is None:
            return _online_report(ipe_id, cutoff, run_id, bucket, prefix, checks.found)
        known = manifest
        checks.found.extend(
            pool.map(lambda item: _latest_version_check(reader, item), known.parquet)
        )
        expected_keys = {prefix + name for name in SIGNED_FILES} | {
            prefix + f.name for f in manifest.files
        }

        def key_checks(key: str) -> list[v.Check]:
            found = [v.single_version_check(v.s3_where(bucket, key), by_key.get(key, []))]
            name = key.removeprefix(prefix)
            version_id = source.versions.get(name)
            if version_id is not None:
                found.append(_retention_check(source, name, version_id, known))
            return found

        for found in pool.map(key_checks, sorted(expected_keys)):
            checks.found.extend(found)
        checks.found.append(
            v.unexpected_objects_check(v.s3_where(bucket, prefix), set(by_key) - expected_keys)
        )
    return _online_report(ipe_id, cutoff, run_id, bucket, prefix, checks.found)


def _online_report(
    ipe_id: str, cutoff: date, run_id: str, bucket: str, prefix: str, found: list[v.Check]
) -> v.VerificationReport:
    return v.VerificationReport(
        ipe_id=ipe_id,
        cutoff_date=cutoff,
        run_id=run_id,
        mode="online",
        location=v.s3_where(bucket, prefix),
        checks=tuple(found),
    )


def _latest_version_check(reader: EvidenceReader, item: ParquetObject) -> v.Check:
    """Athena reads a key's latest version: a new one over it is tampering. One HEAD per key
    (a run has few Parquet objects; a listing would cost as many requests and, on moto, a copy
    of every version in the bucket)."""
    latest = reader.latest(item.bucket, item.key)
    if latest is None:
        actual = "no version"
    elif latest.delete_marker:
        actual = f"{latest.version_id} (delete marker)"
    else:
        actual = latest.version_id
    return v.check(
        "parquet.latest_version", v.s3_where(item.bucket, item.key), str(item.version_id), actual
    )


def _retention_check(source: S3Package, name: str, version_id: str, manifest: Manifest) -> v.Check:
    where = v.s3_where(source.bucket, source.prefix + name, version_id)
    try:
        lock = source.retention(name, version_id)
    except ObjectMissing:
        return v.failed("object.retention", where, "COMPLIANCE", "missing")
    return v.retention_check(
        where,
        manifest.retain_until,
        lock.mode if lock else None,
        lock.retain_until if lock else None,
    )


OFFLINE_NOT_CHECKED = (
    "S3 versions: that no package object or Parquet key was written over after the run",
    "Object Lock retention of the package's objects",
)


def verify_offline(
    directory: Path, trust: Trust, ipe_id: str, cutoff: date, run_id: str | None
) -> v.VerificationReport:
    """A package downloaded into ``directory`` (``sox download``'s layout), without AWS."""
    with ThreadPoolExecutor(CONCURRENT_REQUESTS, thread_name_prefix="sox-verify") as pool:
        checks = _Checks(DirectoryPackage(directory), trust, pool)
        manifest = _common_checks(checks, ipe_id, cutoff, run_id)
    not_checked: tuple[str, ...] = OFFLINE_NOT_CHECKED
    if manifest is None or trust.trusted_key(manifest) is None:
        not_checked += (f"that {PUBLIC_KEY} is a trusted key (pin one with --public-key)",)
    return v.VerificationReport(
        ipe_id=ipe_id,
        cutoff_date=cutoff,
        run_id=manifest.run_id if manifest else run_id or "?",
        mode="offline",
        location=str(directory),
        checks=tuple(checks.found),
        not_checked=not_checked,
    )


def default_run_id(results: ResultsStore, ipe_id: str, cutoff: date) -> str:
    """The run of ``ipe_id`` for ``cutoff`` that started last; ``NoPackage`` when none ran."""
    record = latest_run(results, ipe_id, cutoff)
    if record is None:
        raise NoPackage(
            f"no run of {ipe_id} for cutoff {cutoff.isoformat()} in s3://{results.bucket}/runs/"
        )
    return record.run_id
