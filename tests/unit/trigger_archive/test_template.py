"""The template creates what the seed only documents, with least privilege."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from strongroom.local.template.yaml_loader import load_template

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = load_template(REPO / "src" / "strongroom" / "trigger_archive" / "template.yaml")
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
PARAMETERS: dict[str, Any] = TEMPLATE["Parameters"]
FUNCTION = RESOURCES["ArchiveTriggersFunction"]["Properties"]


def _statement(sid: str) -> dict[str, Any]:
    (policy,) = RESOURCES["ArchiveTriggersRole"]["Properties"]["Policies"]
    (statement,) = [s for s in policy["PolicyDocument"]["Statement"] if s["Sid"] == sid]
    return statement


def test_the_function_keeps_the_seeds_name_and_timeout() -> None:
    assert PARAMETERS["FunctionName"]["Default"] == "dex-trigger-response-archive"
    assert FUNCTION["FunctionName"] == {"Fn::Sub": "${NamePrefix}${FunctionName}"}
    assert FUNCTION["Timeout"] == 900
    assert FUNCTION["Handler"] == "strongroom.trigger_archive.handlers.archive.handler"


def test_the_seeds_schedule_is_created_with_its_timezone_and_switch() -> None:
    schedule = FUNCTION["Events"]["BusinessDays"]

    assert schedule["Type"] == "ScheduleV2"
    assert PARAMETERS["ScheduleExpression"]["Default"] == "cron(30 20 ? * MON-FRI *)"
    assert schedule["Properties"]["ScheduleExpression"] == {"Ref": "ScheduleExpression"}
    assert schedule["Properties"]["ScheduleExpressionTimezone"] == {"Ref": "ScheduleTimezone"}
    assert schedule["Properties"]["State"] == {"Fn::If": ["ScheduleOn", "ENABLED", "DISABLED"]}
    assert schedule["Properties"]["Input"] == (
        '{"scheduled_time": "<aws.scheduler.scheduled-time>"}'
    )


def test_failed_asynchronous_invocations_reach_a_queue() -> None:
    config = FUNCTION["EventInvokeConfig"]

    assert config["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["FailedInvocationsQueue", "Arn"]},
    }


def test_the_secrets_readable_are_exactly_the_two_named() -> None:
    resources = _statement("ReadItsTwoSecrets")["Resource"]

    assert [resource["Fn::Sub"].rsplit(":", 1)[-1] for resource in resources] == [
        "${DbSecretName}-??????",
        "${ApiSecretName}-??????",
    ]
    assert PARAMETERS["DbSecretName"]["Default"] == "dex-archive/db-credentials"
    assert PARAMETERS["ApiSecretName"]["Default"] == "dex-archive/api-credentials"


def test_objects_are_written_under_trigger_and_runs_only() -> None:
    statement = _statement("WriteResponsesAndRunReports")

    assert sorted(statement["Action"]) == ["s3:GetObject", "s3:PutObject"]
    assert [resource["Fn::Sub"] for resource in statement["Resource"]] == [
        "${ArchiveBucket.Arn}/trigger/*",
        "${ArchiveBucket.Arn}/runs/*",
    ]


@pytest.mark.parametrize("parameter", ["VpcSubnetIds", "VpcSecurityGroupIds"])
def test_the_vpc_is_optional(parameter: str) -> None:
    assert PARAMETERS[parameter] == {
        "Type": "CommaDelimitedList",
        "Default": "",
        "Description": PARAMETERS[parameter]["Description"],
    }
    assert FUNCTION["VpcConfig"]["Fn::If"][0] == "InVpc"
    assert FUNCTION["VpcConfig"]["Fn::If"][2] == {"Ref": "AWS::NoValue"}


def test_the_bucket_is_versioned_private_and_encrypted() -> None:
    bucket = RESOURCES["ArchiveBucket"]["Properties"]

    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["BucketName"] == {
        "Fn::If": ["HasBucketName", {"Ref": "BucketName"}, {"Ref": "AWS::NoValue"}]
    }
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert "NoncurrentVersionExpiration" in rules["expire-replaced-versions"]


def test_every_failure_mode_has_an_alarm() -> None:
    alarms = {
        name: resource["Properties"]
        for name, resource in RESOURCES.items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }

    assert set(alarms) == {
        "ErrorsAlarm",
        "DurationAlarm",
        "ClientsFailedAlarm",
        "MissedRunAlarm",
        "FailedInvocationsAlarm",
    }
    assert alarms["DurationAlarm"]["Threshold"] == 0.8 * FUNCTION["Timeout"] * 1000
    assert "RunsCompleted" in str(alarms["MissedRunAlarm"]["Metrics"])
    assert "DAY(" in alarms["MissedRunAlarm"]["Metrics"][1]["Expression"]


def test_the_root_template_nests_it_and_passes_the_api_url() -> None:
    root = load_template(REPO / "template.yaml")

    nested = root["Resources"]["TriggerArchive"]["Properties"]
    assert nested["Location"] == "src/strongroom/trigger_archive/template.yaml"
    assert nested["Parameters"]["DexApiBaseUrl"] == {"Ref": "DexApiBaseUrl"}
