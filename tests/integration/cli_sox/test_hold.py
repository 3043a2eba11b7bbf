"""``strongroom sox hold`` on moto's S3 with Object Lock: the legal hold set and cleared on every
version of a package (the latest run's by default), and each object's lock shown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from typer.testing import CliRunner, Result

from strongroom.cli import app
from strongroom.local.emulator import Emulator
from strongroom.local.endpoints import Endpoints, write_endpoints

pytestmark = pytest.mark.integration

BUCKET = "jumia-sox-evidence"
CUTOFF = "2026-11-30"
EARLIER_RUN = "20261201T080000Z-0000abcd"
LATER_RUN = "20261201T093000Z-1111beef"
FILES = ("01_executed_query.sql", "manifest.json", "SHA256SUMS")
RETAIN_UNTIL = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)


def prefix(run_id: str, ipe_id: str = "IPE_07") -> str:
    return f"evidence/{ipe_id}/{CUTOFF}/{run_id}/"


@pytest.fixture
def s3() -> Iterator[Any]:
    """The evidence bucket with two runs' packages of IPE_07 and one of CR_05, every object
    locked (COMPLIANCE) as the packager writes it; the later run's manifest has two versions."""
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(
            Bucket=BUCKET,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
            ObjectLockEnabledForBucket=True,
        )
        keys = [prefix(run) + name for run in (EARLIER_RUN, LATER_RUN) for name in FILES]
        for key in [*keys, prefix(LATER_RUN) + "manifest.json", prefix(LATER_RUN, "CR_05") + "x"]:
            client.put_object(
                Bucket=BUCKET,
                Key=key,
                Body=key.encode(),
                ChecksumAlgorithm="SHA256",
                ObjectLockMode="COMPLIANCE",
                ObjectLockRetainUntilDate=RETAIN_UNTIL,
            )
        yield client


def hold(*arguments: str) -> Result:
    return CliRunner().invoke(app, ["sox", "hold", *arguments, "--bucket", BUCKET])


def holds(s3: Any, run_id: str, ipe_id: str = "IPE_07") -> dict[tuple[str, str], str]:
    """Each version's legal hold as S3 answers GetObjectLegalHold (OFF when never set)."""
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix=prefix(run_id, ipe_id))["Versions"]
    return {
        (item["Key"], item["VersionId"]): s3.get_object_legal_hold(
            Bucket=BUCKET, Key=item["Key"], VersionId=item["VersionId"]
        )["LegalHold"].get("Status", "OFF")
        for item in versions
    }


def test_on_holds_every_version_of_the_latest_run_only(s3: Any) -> None:
    result = hold("ipe_07", CUTOFF, "--on", "--json")

    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["prefix"] == prefix(LATER_RUN)
    assert len(shown["objects"]) == len(FILES) + 1
    assert {item["legal_hold"] for item in shown["objects"]} == {"ON"}
    assert set(holds(s3, LATER_RUN).values()) == {"ON"}
    assert set(holds(s3, EARLIER_RUN).values()) == {"OFF"}
    assert set(holds(s3, LATER_RUN, "CR_05").values()) == {"OFF"}


def test_off_clears_the_hold_of_the_named_run(s3: Any) -> None:
    assert hold("IPE_07", CUTOFF, "--run", EARLIER_RUN, "--on").exit_code == 0

    result = hold("IPE_07", CUTOFF, "--run", EARLIER_RUN, "--off")

    assert result.exit_code == 0, result.output
    assert set(holds(s3, EARLIER_RUN).values()) == {"OFF"}


def test_without_on_or_off_each_objects_lock_is_shown(s3: Any) -> None:
    held = prefix(LATER_RUN) + FILES[0]
    s3.put_object_legal_hold(Bucket=BUCKET, Key=held, LegalHold={"Status": "ON"})

    table = hold("IPE_07", CUTOFF)
    shown = json.loads(hold("IPE_07", CUTOFF, "--json").stdout)

    assert table.exit_code == 0, table.output
    assert f"Object Lock of {prefix(LATER_RUN)}" in table.stdout
    assert table.stdout.count("COMPLIANCE") == len(FILES) + 1
    assert [item["name"] for item in shown["objects"]] == sorted([*FILES, "manifest.json"])
    assert {
        (item["name"], item["retention_mode"], item["retain_until"], item["legal_hold"])
        for item in shown["objects"]
    } == {
        (name, "COMPLIANCE", RETAIN_UNTIL.isoformat(), "ON" if name == FILES[0] else "OFF")
        for name in FILES
    }


def test_objects_s3_refuses_to_hold_are_named_and_exit_1() -> None:
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(  # no Object Lock: S3 refuses every legal hold
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        client.put_object(Bucket=BUCKET, Key=prefix(LATER_RUN) + "manifest.json", Body=b"{}")

        result = hold("IPE_07", CUTOFF, "--on")

    assert result.exit_code == 1
    assert "legal hold not set on " + prefix(LATER_RUN) + "manifest.json" in " ".join(
        result.output.split()
    )


@pytest.mark.usefixtures("s3")
@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (
            ("IPE_07", "2026-10-31"),
            f"no evidence package under s3://{BUCKET}/evidence/IPE_07/2026-10-31/",
        ),
        (
            ("IPE_07", CUTOFF, "--run", "20261201T000000Z-00000000"),
            f"no evidence package under s3://{BUCKET}/{prefix('20261201T000000Z-00000000')}",
        ),
    ],
    ids=["no run for the cutoff", "no such run"],
)
def test_a_package_that_is_not_there_is_named(arguments: tuple[str, ...], named: str) -> None:
    result = hold(*arguments)

    assert result.exit_code == 1
    assert named in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (("IPE_07", CUTOFF, "--on", "--off"), "--on and --off"),
        (("IPE_07", "30/11/2026"), "CUTOFF"),
        (("IPE/07", CUTOFF), "IPE_ID"),
        (("IPE_07", CUTOFF, "--run", "../x"), "--run"),
    ],
    ids=["on and off", "bad cutoff", "bad ipe", "bad run"],
)
def test_bad_arguments_are_refused_naming_them_before_s3_is_asked(
    arguments: tuple[str, ...], named: str
) -> None:
    result = hold(*arguments)

    assert result.exit_code == 1
    assert named in " ".join(result.output.split())


def test_locally_the_running_stacks_evidence_bucket_is_held(tmp_path: Path) -> None:
    emulator = Emulator("eu-west-1")
    emulator.start()
    try:
        s3 = emulator.client("s3")
        s3.create_bucket(
            Bucket=BUCKET,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
            ObjectLockEnabledForBucket=True,
        )
        key = prefix(LATER_RUN) + "manifest.json"
        version = s3.put_object(Bucket=BUCKET, Key=key, Body=b"{}", ChecksumAlgorithm="SHA256")[
            "VersionId"
        ]
        write_endpoints(
            tmp_path,
            Endpoints(
                aws_endpoint_url=emulator.url,
                region="eu-west-1",
                token="unused",
                outputs={"sox_evidence": {"EvidenceBucketName": BUCKET}},
                issuer="unused",
                audience="unused",
                control_url="unused",
                control_secret="unused",
            ),
        )

        result = CliRunner().invoke(
            app, ["sox", "hold", "IPE_07", CUTOFF, "--on", "--state-dir", str(tmp_path)]
        )

        assert result.exit_code == 0, result.output
        hold_status = s3.get_object_legal_hold(Bucket=BUCKET, Key=key, VersionId=version)
        assert hold_status["LegalHold"]["Status"] == "ON"
        with pytest.raises(ClientError) as refused:
            s3.delete_object(Bucket=BUCKET, Key=key, VersionId=version)
        assert refused.value.response["Error"]["Code"] == "AccessDenied"
    finally:
        emulator.stop()
