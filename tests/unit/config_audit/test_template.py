"""config_audit's SAM template keeps the contract the code and the brief rely on."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from strongroom.config_audit.adapters.audit_item import ID, ITEM_KEY, MODIFICATION_TIME
from strongroom.config_audit.adapters.dynamodb_store import BY_ITEM_KEY_INDEX
from strongroom.local.provision.registry import PROVISIONERS
from tests.unit.config_audit.support import TEMPLATE, load_template

# What the local template reader evaluates (local/template: intrinsics and conditions).
ALLOWED_INTRINSICS = {
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Fn::Equals",
    "Fn::Not",
    "Fn::And",
    "Fn::Or",
    "Fn::If",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    resources: dict[str, Any] = template["Resources"]
    return resources


@pytest.fixture(scope="module")
def function(resources: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = resources["AuditProducerFunction"]["Properties"]
    return properties


def keys_anywhere(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from keys_anywhere(value)
    elif isinstance(node, list):
        for member in node:
            yield from keys_anywhere(member)


def test_only_resource_types_and_intrinsics_the_local_stack_knows_are_used(
    template: dict[str, Any],
) -> None:
    types = {resource["Type"] for resource in template["Resources"].values()}
    intrinsics = {key for key in keys_anywhere(template) if key == "Ref" or key.startswith("Fn::")}

    assert types <= set(PROVISIONERS)  # the local stack can create every one
    assert intrinsics <= ALLOWED_INTRINSICS
    assert all("Default" in parameter for parameter in template["Parameters"].values())
    assert template["Parameters"]["NamePrefix"]["Default"] == ""


def test_the_function_is_the_seeds_audit_producer_with_its_alias(function: dict[str, Any]) -> None:
    assert function["FunctionName"] == {"Fn::Sub": "${NamePrefix}audit_producer"}
    assert function["AutoPublishAlias"] == "learn"
    assert function["Runtime"] == "python3.12"
    assert function["Architectures"] == ["arm64"]
    assert "FunctionUrlConfig" not in function


def test_the_handler_is_importable_from_the_code_uri(function: dict[str, Any]) -> None:
    code_root = (TEMPLATE.parent / function["CodeUri"]).resolve()
    module_name, _, attribute = function["Handler"].rpartition(".")

    assert (code_root / Path(*module_name.split("."))).with_suffix(".py").is_file()
    assert callable(getattr(importlib.import_module(module_name), attribute))


def test_the_function_is_configured_from_its_environment(function: dict[str, Any]) -> None:
    variables = function["Environment"]["Variables"]

    assert variables["AUDIT_TABLE_NAME"] == {"Ref": "AuditTable"}
    assert {
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_LOG_LEVEL",
    } <= set(variables)


def test_the_stream_source_reports_partial_failures_and_bounds_retries(
    function: dict[str, Any],
) -> None:
    (event,) = function["Events"].values()
    source = event["Properties"]

    assert event["Type"] == "DynamoDB"
    assert source["Stream"] == {"Fn::GetAtt": ["ConfigurationTable", "StreamArn"]}
    assert source["StartingPosition"] == "TRIM_HORIZON"
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BisectBatchOnFunctionError"] is True
    assert 0 <= source["MaximumRetryAttempts"] <= 10
    assert source["MaximumRecordAgeInSeconds"] > 0
    assert source["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["FailureQueue", "Arn"]},
    }


def test_permissions_are_the_explicit_roles_scoped_statements(
    function: dict[str, Any], resources: dict[str, Any]
) -> None:
    assert function["Role"] == {"Fn::GetAtt": ["AuditProducerRole", "Arn"]}
    assert "Policies" not in function
    role = resources["AuditProducerRole"]["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    actions = {a for s in statements for a in _as_list(s["Action"])}
    resources = [r for s in statements for r in _as_list(s["Resource"])]

    assert actions == {
        "dynamodb:PutItem",
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "sqs:SendMessage",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    assert all(isinstance(resource, dict) for resource in resources)  # no literal "*"
    assert all(statement["Effect"] == "Allow" for statement in statements)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_configuration_table_streams_both_images_encrypted_and_recoverable(
    resources: dict[str, Any],
) -> None:
    table = resources["ConfigurationTable"]["Properties"]

    assert table["TableName"] == {"Fn::Sub": "${NamePrefix}Configuration"}
    assert table["KeySchema"] == [{"AttributeName": "key", "KeyType": "HASH"}]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_audit_table_has_the_keys_the_store_uses(resources: dict[str, Any]) -> None:
    table = resources["AuditTable"]["Properties"]
    (index,) = table["GlobalSecondaryIndexes"]

    assert table["TableName"] == {"Fn::Sub": "${NamePrefix}Audit"}
    assert table["KeySchema"] == [{"AttributeName": ID, "KeyType": "HASH"}]
    assert index["IndexName"] == BY_ITEM_KEY_INDEX
    assert index["KeySchema"] == [
        {"AttributeName": ITEM_KEY, "KeyType": "HASH"},
        {"AttributeName": MODIFICATION_TIME, "KeyType": "RANGE"},
    ]
    assert index["Projection"] == {"ProjectionType": "ALL"}


def test_failures_are_kept_and_alarmed(resources: dict[str, Any]) -> None:
    queue = resources["FailureQueue"]["Properties"]
    alarmed = {
        resource["Properties"]["MetricName"]
        for resource in resources.values()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
        and resource["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    }

    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"] is True
    assert alarmed == {"Errors", "ApproximateNumberOfMessagesVisible", "IteratorAge"}


def test_the_log_group_is_the_functions(
    resources: dict[str, Any], function: dict[str, Any]
) -> None:
    log_group = resources["AuditProducerLogGroup"]["Properties"]

    assert log_group["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${NamePrefix}audit_producer"}
    assert "RetentionInDays" in log_group
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "AuditProducerLogGroup"}


def test_outputs_name_the_tables(template: dict[str, Any]) -> None:
    assert {"ConfigurationTableName", "AuditTableName"} <= set(template["Outputs"])
