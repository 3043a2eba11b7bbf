"""Invocations that cannot archive: every client failing fails the invocation (after writing
the run report); an event the function cannot read is a 400 that writes nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from strongroom.local.endpoints import Endpoints
from strongroom.local.standins.dex_api import DexApiStandIn
from tests.e2e.aws_cli import aws_cli
from tests.e2e.trigger_archive.helpers import invoke, run_reports

pytestmark = pytest.mark.e2e


def _bucket_versions(aws: Any, bucket: str) -> int:
    pages = aws("s3").get_paginator("list_object_versions").paginate(Bucket=bucket)
    return sum(len(page.get("Versions", [])) for page in pages)


def _assert_one_failed_report(aws: Any, bucket: str, day: date, selected: dict[int, str]) -> None:
    (report,) = run_reports(aws, bucket, day)
    assert (report["successful_archives"], report["failed_archives"]) == (0, len(selected))
    assert {error["client_id"] for error in report["errors"]} == set(selected)
    assert report["status_code"] == 207


def test_when_every_client_fails_boto3_sees_a_function_error_and_the_report_is_written(
    aws: Any, function_name: str, bucket: str, selected: dict[int, str], dex: DexApiStandIn
) -> None:
    dex.set_faults(failing_client_ids=sorted(selected))
    day = date(2025, 3, 7)

    response, payload = invoke(aws, function_name, {"trigger_date": day.isoformat()})

    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "ArchiveRunFailed"
    assert f"none of {len(selected)} clients archived" in payload["errorMessage"]
    _assert_one_failed_report(aws, bucket, day, selected)


def test_when_every_client_fails_the_aws_cli_reports_the_function_error(
    endpoints: Endpoints,
    aws: Any,
    function_name: str,
    bucket: str,
    selected: dict[int, str],
    dex: DexApiStandIn,
    tmp_path: Path,
) -> None:
    dex.set_faults(failing_client_ids=sorted(selected))
    day = date(2025, 3, 10)

    printed = aws_cli(
        endpoints,
        *("lambda", "invoke", "--function-name", function_name),
        *("--payload", json.dumps({"trigger_date": day.isoformat()})),
        str(tmp_path / "response.json"),
    )

    assert printed["FunctionError"] == "Unhandled"
    assert json.loads((tmp_path / "response.json").read_text())["errorType"] == "ArchiveRunFailed"
    _assert_one_failed_report(aws, bucket, day, selected)


def test_an_impossible_trigger_date_is_a_400_naming_the_field_and_nothing_is_written(
    endpoints: Endpoints,
    aws: Any,
    function_name: str,
    bucket: str,
    dex: DexApiStandIn,
    tmp_path: Path,
) -> None:
    versions_before = _bucket_versions(aws, bucket)

    printed = aws_cli(
        endpoints,
        *("lambda", "invoke", "--function-name", function_name),
        *("--payload", '{"trigger_date": "2026-13-40"}', str(tmp_path / "response.json")),
    )

    answer = json.loads((tmp_path / "response.json").read_text())
    assert "FunctionError" not in printed
    assert answer["statusCode"] == 400
    assert [error["field"] for error in answer["body"]["errors"]] == ["trigger_date"]
    assert "trigger_date" in answer["body"]["message"]
    assert _bucket_versions(aws, bucket) == versions_before
    assert dex.stats()["requests"] == {}  # no token asked for, no DEX call made
