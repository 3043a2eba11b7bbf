"""A small evidence package for the verifier's tests, written as the contract
(``sox_evidence.domain.evidence``) says: evidence files, package.zip, manifest.json, SHA256SUMS
signed with a local RSA key (RSASSA-PKCS1-v1_5, SHA-256), public_key.pem; two Parquet parts.

It writes through a ``Target`` (the in-memory reader's buckets, or S3 on moto), so the same
package serves unit and integration tests. A fixture, not the packager.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from strongroom.sox_evidence.adapters.in_memory_evidence_reader import InMemoryEvidenceReader
from strongroom.sox_evidence.domain.evidence import (
    EVIDENCE_FILES,
    MANIFEST,
    PACKAGE_ZIP,
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
from strongroom.sox_evidence.domain.runs import part_key

EVIDENCE_BUCKET = "sox-evidence-test"
RESULTS_BUCKET = "sox-results-test"
IPE_ID = "IPE_07"
CUTOFF = date(2026, 11, 30)
RUN_ID = "20261201T080002Z-1a2b3c4d"
AMOUNTS = ((Decimal("10.50"), Decimal("-2.25"), Decimal("100.00")), (Decimal("7.75"),))
"""Two parts' ``remaining_amount_lcy`` values."""


class Target(Protocol):
    def put(
        self, bucket: str, key: str, body: bytes, retain_until: datetime | None = None
    ) -> str: ...


@dataclass
class S3Target:
    """Writes to S3 (moto) as the packager does: once, with SHA-256, locked when asked."""

    s3: Any

    def put(self, bucket: str, key: str, body: bytes, retain_until: datetime | None = None) -> str:
        extra: dict[str, Any] = {}
        if retain_until is not None:
            extra = {"ObjectLockMode": "COMPLIANCE", "ObjectLockRetainUntilDate": retain_until}
        answer = self.s3.put_object(
            Bucket=bucket, Key=key, Body=body, ChecksumAlgorithm="SHA256", **extra
        )
        return str(answer["VersionId"])


class Signer(Protocol):
    def sign(self, message: bytes) -> bytes: ...

    def public_pem(self) -> bytes: ...


@dataclass
class LocalSigner:
    key: rsa.RSAPrivateKey

    def sign(self, message: bytes) -> bytes:
        return sign(self.key, message)

    def public_pem(self) -> bytes:
        return public_pem(self.key)


@dataclass
class KmsSigner:
    """moto's (or AWS's) KMS, RAW, as the packager signs."""

    kms: Any
    key_id: str

    def sign(self, message: bytes) -> bytes:
        answer = self.kms.sign(
            KeyId=self.key_id,
            Message=message,
            MessageType="RAW",
            SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256",
        )
        return bytes(answer["Signature"])

    def public_pem(self) -> bytes:
        der = self.kms.get_public_key(KeyId=self.key_id)["PublicKey"]
        key = serialization.load_der_public_key(der)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def sign(key: rsa.RSAPrivateKey, message: bytes) -> bytes:
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def parquet_part(first_id: int, amounts: tuple[Decimal, ...]) -> bytes:
    table = pa.table(
        {
            "entry_no": pa.array(range(first_id, first_id + len(amounts)), pa.int64()),
            "remaining_amount_lcy": pa.array(amounts, pa.decimal128(18, 2)),
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass
class BuiltPackage:
    manifest: Manifest
    prefix: str
    files: dict[str, bytes] = field(default_factory=dict)
    """Every package object by name, as written."""
    parquet: dict[str, bytes] = field(default_factory=dict)

    def key_of(self, name: str) -> str:
        return self.prefix + name


def build_package(
    target: Target,
    signer: Signer | rsa.RSAPrivateKey,
    key_id: str,
    *,
    ipe_id: str = IPE_ID,
    run_id: str = RUN_ID,
    retain_until: datetime | None = None,
    now: datetime | None = None,
) -> BuiltPackage:
    if isinstance(signer, rsa.RSAPrivateKey):
        signer = LocalSigner(signer)
    now = now or datetime.now(UTC)
    retain_until = retain_until or (now + timedelta(days=1)).replace(microsecond=0)
    prefix = package_prefix(ipe_id, CUTOFF, run_id)
    parquet: dict[str, bytes] = {}
    objects = []
    first_id = 1
    for index, amounts in enumerate(AMOUNTS):
        object_key = part_key(ipe_id, CUTOFF, run_id, index)
        body = parquet_part(first_id, amounts)
        first_id += len(amounts)
        parquet[object_key] = body
        version = target.put(RESULTS_BUCKET, object_key, body)
        objects.append(
            ParquetObject(
                bucket=RESULTS_BUCKET,
                key=object_key,
                size=len(body),
                sha256=_sha256(body),
                version_id=version,
                rows=len(amounts),
            )
        )
    contents = {name: f"{name} of run {run_id}\n".encode() for name in EVIDENCE_FILES}
    contents[PARQUET_SUMS] = "".join(
        f"{o.sha256}  parquet/{o.key.rpartition('/')[2]}\n" for o in objects
    ).encode()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        for name in EVIDENCE_FILES:
            archive.writestr(zipfile.ZipInfo(name, (2026, 12, 1, 0, 0, 0)), contents[name])
    contents[PACKAGE_ZIP] = zipped.getvalue()
    files = []
    for name in (*EVIDENCE_FILES, PACKAGE_ZIP):
        version = target.put(EVIDENCE_BUCKET, prefix + name, contents[name], retain_until)
        files.append(
            PackagedFile(
                name=name,
                size=len(contents[name]),
                sha256=_sha256(contents[name]),
                version_id=version,
            )
        )
    total = sum((amount for part in AMOUNTS for amount in part), Decimal(0))
    manifest = Manifest(
        ipe_id=ipe_id,
        cutoff_date=CUTOFF,
        run_id=run_id,
        status="succeeded",
        evidence_bucket=EVIDENCE_BUCKET,
        prefix=prefix,
        files=tuple(files),
        parquet=tuple(objects),
        rows=sum(o.rows for o in objects),
        control_totals={"remaining_amount_lcy": str(total)},
        retain_until=retain_until,
        signing_key_id=key_id,
        created_at=now,
    )
    contents[MANIFEST] = manifest.model_dump_json(indent=2).encode()
    contents[STATEMENT] = statement(_sha256(contents[MANIFEST]), manifest.files)
    contents[SIGNATURE] = signer.sign(contents[STATEMENT])
    contents[PUBLIC_KEY] = signer.public_pem()
    for name in (MANIFEST, STATEMENT, SIGNATURE, PUBLIC_KEY):
        target.put(EVIDENCE_BUCKET, prefix + name, contents[name], retain_until)
    return BuiltPackage(manifest=manifest, prefix=prefix, files=contents, parquet=parquet)


def in_memory_package(
    key: rsa.RSAPrivateKey, key_id: str, **options: Any
) -> tuple[InMemoryEvidenceReader, BuiltPackage]:
    reader = InMemoryEvidenceReader()
    return reader, build_package(reader, key, key_id, **options)
