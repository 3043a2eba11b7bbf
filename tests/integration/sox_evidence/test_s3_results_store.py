"""The results bucket on moto: checksummed, versioned uploads that never replace an object."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from strongroom.sox_evidence.adapters.results_store import (
    ObjectExists,
    S3ResultsStore,
    sha256_base64,
)
from tests.integration.sox_evidence.conftest import RESULTS_BUCKET

pytestmark = pytest.mark.integration


def test_a_part_goes_up_with_its_sha256_and_comes_back_at_its_version(
    s3: Any, tmp_path: Path
) -> None:
    store = S3ResultsStore(RESULTS_BUCKET, s3)
    path = tmp_path / "part.parquet"
    path.write_bytes(b"PAR1 not really parquet PAR1")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    version = store.put_file("ipe/X/part-00000.parquet", path, digest)

    assert version is not None
    head = s3.head_object(
        Bucket=RESULTS_BUCKET, Key="ipe/X/part-00000.parquet", ChecksumMode="ENABLED"
    )
    assert head["VersionId"] == version
    # S3 checks the body against this on receipt (BadDigest); moto stores it without checking.
    assert head["ChecksumSHA256"] == sha256_base64(digest)
    assert head["Metadata"] == {"sha256": digest}
    into = io.BytesIO()
    store.download("ipe/X/part-00000.parquet", version, into)
    assert into.getvalue() == path.read_bytes()


def test_an_existing_key_is_never_overwritten(s3: Any, tmp_path: Path) -> None:
    store = S3ResultsStore(RESULTS_BUCKET, s3)
    store.put_bytes("runs/X/run.json", b"{}", "application/json")

    with pytest.raises(ObjectExists, match="runs never overwrite"):
        store.put_bytes("runs/X/run.json", b'{"other": 1}', "application/json")
    assert store.get_bytes("runs/X/run.json") == b"{}"
    versions = s3.list_object_versions(Bucket=RESULTS_BUCKET, Prefix="runs/")["Versions"]
    assert len(versions) == 1


def test_listing_reads_every_page(s3: Any) -> None:
    store = S3ResultsStore(RESULTS_BUCKET, s3)
    for index in range(1_005):
        s3.put_object(Bucket=RESULTS_BUCKET, Key=f"runs/X/{index:05d}.json", Body=b"{}")

    assert len(store.list_keys("runs/X/")) == 1_005
