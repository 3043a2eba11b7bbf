"""Downloading an evidence package for offline checking: its files and its Parquet, each at the
version the package recorded, in the layout ``sox verify --offline DIR`` reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from strongroom.sox_evidence.adapters.evidence_reader import EvidenceReader
from strongroom.sox_evidence.domain.evidence import (
    MANIFEST,
    PARQUET_DIR,
    Manifest,
    package_prefix,
)
from strongroom.sox_evidence.services.evidence_verification import SIGNED_FILES, NoPackage


class DownloadRefused(ValueError):
    """The target directory already holds a file the download would write: nothing replaced."""


def download_package(
    reader: EvidenceReader, bucket: str, ipe_id: str, cutoff: date, run_id: str, directory: Path
) -> list[Path]:
    """The package's files flat in ``directory`` and its Parquet in ``directory/parquet/``,
    each at the version the package recorded (``verify --offline``'s layout); the paths written.
    ``NoPackage`` when there is no manifest; ``DownloadRefused`` before writing anything when a
    target file exists."""
    prefix = package_prefix(ipe_id, cutoff, run_id)
    first = {
        version.key.removeprefix(prefix): version.version_id
        for version in reader.versions(bucket, prefix)
        if not version.delete_marker
    }  # newest first per key, so the last one kept is each key's first version
    if MANIFEST not in first:
        raise NoPackage(f"no {MANIFEST} at s3://{bucket}/{prefix}")
    manifest = Manifest.model_validate_json(
        reader.get(bucket, prefix + MANIFEST, first[MANIFEST]).body
    )
    wanted: list[tuple[Path, str, str, str | None]] = [
        (directory / name, bucket, prefix + name, first.get(name)) for name in SIGNED_FILES
    ]
    wanted += [
        (directory / f.name, bucket, prefix + f.name, f.version_id or first.get(f.name))
        for f in manifest.files
    ]
    wanted += [
        (
            directory / PARQUET_DIR / item.key.rpartition("/")[2],
            item.bucket,
            item.key,
            item.version_id,
        )
        for item in manifest.parquet
    ]
    existing = [str(path) for path, *_ in wanted if path.exists()]
    if existing:
        raise DownloadRefused(f"{existing[0]} exists: download into an empty directory")
    (directory / PARQUET_DIR).mkdir(parents=True, exist_ok=True)
    for path, in_bucket, key, version_id in wanted:
        with path.open("xb") as into:
            reader.download(in_bucket, key, version_id, into)
    return [path for path, *_ in wanted]
