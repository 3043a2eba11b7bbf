"""Evidence packages on the local stack, as a user checks them: a full run's package verifies
with `strongroom sox verify`, online and after `sox download` offline, and `sox status` says so; a
new version put over one of its Parquet keys makes both fail naming that key; the evidence
freshness check reports every IPE for a month with no package."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from strongroom.cli import app
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from strongroom.sox_evidence.domain.freshness import due_cutoff
from strongroom.sox_evidence.public import catalog

pytestmark = pytest.mark.e2e
IPE_IDS = list(catalog())
IPE = "CR_05"  # the smallest IPE: its run takes a second
CUTOFF = "2025-03-31"  # a month no other e2e file runs
SCHEDULE = "sox_evidence.EvidenceFreshnessFunction.DailyCheck"


def invoke(aws: Any, function: str, payload: dict[str, Any]) -> dict[str, Any]:
    invoked = aws("lambda").invoke(FunctionName=function, Payload=json.dumps(payload).encode())
    answer: dict[str, Any] = json.loads(invoked["Payload"].read())
    return answer


def strongroom(local_stack: LocalStack, *args: str) -> Result:
    state = ["--state-dir", str(local_stack.options.state_dir)]
    return CliRunner().invoke(app, [*args, *state])


def package_status(local_stack: LocalStack) -> str:
    """What `sox status` says of the IPE's last run's package for the cutoff."""
    shown = strongroom(local_stack, "sox", "status", "--cutoff", CUTOFF, "--json")
    assert shown.exit_code == 0, shown.output
    [row] = [row for row in json.loads(shown.stdout) if row["ipe_id"] == IPE]
    verdict: str = row["package_verifies"]
    return verdict


def test_a_runs_package_verifies_and_a_new_parquet_version_fails_naming_it(
    aws: Any, endpoints: Endpoints, local_stack: LocalStack, tmp_path: Path
) -> None:
    ran = invoke(aws, "SOXAuto-PG01", {"cutoff_date": CUTOFF, "ipe_ids": [IPE]})
    assert ran["statusCode"] == 200, ran
    [outcome] = ran["body"]["ipes"]
    run_id = outcome["run_id"]

    online = strongroom(local_stack, "sox", "verify", IPE, CUTOFF, "--run", run_id)
    assert online.exit_code == 0, online.output
    assert "package verifies" in online.output

    directory = tmp_path / "package"
    fetched = strongroom(local_stack, "sox", "download", IPE, CUTOFF, str(directory))
    assert fetched.exit_code == 0, fetched.output
    offline = strongroom(local_stack, "sox", "verify", IPE, CUTOFF, "--offline", str(directory))
    assert offline.exit_code == 0, offline.output
    assert "not checked (offline)" in offline.output

    assert package_status(local_stack) == "yes"

    results = endpoints.outputs["sox_evidence"]["ResultsBucketName"]
    prefix = f"ipe/{IPE}/cutoff_date={CUTOFF}/run_id={run_id}/"
    s3 = aws("s3")
    key = s3.list_objects_v2(Bucket=results, Prefix=prefix)["Contents"][0]["Key"]
    s3.put_object(Bucket=results, Key=key, Body=b"PAR1 a doctored part PAR1")

    tampered = strongroom(local_stack, "sox", "verify", IPE, CUTOFF, "--run", run_id, "--json")

    assert tampered.exit_code == 1, tampered.output
    report = json.loads(tampered.stdout[: tampered.stdout.rindex("}") + 1])
    failed = [check for check in report["checks"] if not check["passed"]]
    assert [(c["name"], c["where"]) for c in failed] == [
        ("parquet.latest_version", f"s3://{results}/{key}")
    ]
    assert package_status(local_stack) == f"no: parquet.latest_version at s3://{results}/{key}"


def test_the_evidence_freshness_check_reports_every_ipe_for_a_month_without_packages(
    aws: Any, local_stack: LocalStack
) -> None:
    answer = invoke(aws, "SOXAuto-Evidence-Freshness", {"cutoff_date": "2024-02-29"})

    assert answer["statusCode"] == 200, answer
    assert answer["body"]["without_verified_package"] == IPE_IDS
    assert set(answer["body"]["reasons"].values()) == {"no succeeded run"}

    fired = strongroom(local_stack, "schedule", "run", SCHEDULE)
    assert fired.exit_code == 0, fired.output
    scheduled = json.loads(fired.output)["body"]
    assert scheduled["cutoff_date"] == due_cutoff(datetime.now(UTC), 5).isoformat()
