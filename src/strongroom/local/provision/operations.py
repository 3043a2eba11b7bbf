"""Secrets, alarms, log groups and IAM: the resources around the data and the code."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from strongroom.local.provision.model import (
    ClientFactory,
    ProvisionContext,
    ProvisionedResource,
    answers,
)


class Secret:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("Name") or context.physical_name(logical_id, max_length=256)
        value = properties.get("SecretString")
        if value is None:
            value = _generated_secret(properties.get("GenerateSecretString") or {})
        request: dict[str, Any] = {"Name": name, "SecretString": value}
        if properties.get("Description"):
            request["Description"] = properties["Description"]
        arn = context.clients("secretsmanager").create_secret(**request)["ARN"]
        return context.resource(logical_id, "AWS::SecretsManager::Secret", arn, {"Id": arn})

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(
            lambda: clients("secretsmanager").describe_secret(SecretId=resource.physical_id)
        )


def _generated_secret(generate: dict[str, Any]) -> str:
    length = int(generate.get("PasswordLength", 32))
    excluded = set(generate.get("ExcludeCharacters", ""))
    alphabet = [c for c in string.ascii_letters + string.digits if c not in excluded]
    password = "".join(secrets.choice(alphabet) for _ in range(length))
    template = generate.get("SecretStringTemplate")
    key = generate.get("GenerateStringKey")
    if template and key:
        document = json.loads(template)
        document[key] = password
        return json.dumps(document)
    return password


class CloudWatchAlarm:
    _PASSED = (
        "AlarmDescription",
        "ActionsEnabled",
        "AlarmActions",
        "OKActions",
        "InsufficientDataActions",
        "MetricName",
        "Namespace",
        "Statistic",
        "ExtendedStatistic",
        "Dimensions",
        "Period",
        "Unit",
        "EvaluationPeriods",
        "DatapointsToAlarm",
        "Threshold",
        "ComparisonOperator",
        "TreatMissingData",
        "Metrics",
    )

    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("AlarmName") or context.physical_name(logical_id, max_length=255)
        request = {key: properties[key] for key in self._PASSED if key in properties}
        for numeric in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
            if numeric in request:
                request[numeric] = int(request[numeric])
        if "Threshold" in request:
            request["Threshold"] = float(request["Threshold"])
        context.clients("cloudwatch").put_metric_alarm(AlarmName=name, **request)
        return context.resource(
            logical_id,
            "AWS::CloudWatch::Alarm",
            name,
            {"Arn": context.arn("cloudwatch", f"alarm:{name}")},
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        alarms = clients("cloudwatch").describe_alarms(AlarmNames=[resource.physical_id])
        return bool(alarms["MetricAlarms"] or alarms.get("CompositeAlarms"))


class LogGroup:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("LogGroupName") or context.physical_name(logical_id, max_length=512)
        client = context.clients("logs")
        client.create_log_group(logGroupName=name)
        if "RetentionInDays" in properties:
            client.put_retention_policy(
                logGroupName=name, retentionInDays=int(properties["RetentionInDays"])
            )
        return context.resource(
            logical_id,
            "AWS::Logs::LogGroup",
            name,
            {"Arn": context.arn("logs", f"log-group:{name}:*")},
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        groups = clients("logs").describe_log_groups(logGroupNamePrefix=resource.physical_id)
        return any(group["logGroupName"] == resource.physical_id for group in groups["logGroups"])


class LogMetricFilter:
    """A log group's metric filter, created in the emulator (locally nothing evaluates it)."""

    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("FilterName") or context.physical_name(logical_id, max_length=512)
        group = str(properties["LogGroupName"])
        context.clients("logs").put_metric_filter(
            logGroupName=group,
            filterName=name,
            filterPattern=str(properties["FilterPattern"]),
            metricTransformations=[
                {
                    "metricName": str(item["MetricName"]),
                    "metricNamespace": str(item["MetricNamespace"]),
                    "metricValue": str(item["MetricValue"]),
                    **(
                        {"dimensions": {d["Key"]: d["Value"] for d in item["Dimensions"]}}
                        if item.get("Dimensions")
                        else {}
                    ),
                    **({"unit": item["Unit"]} if "Unit" in item else {}),
                }
                for item in properties["MetricTransformations"]
            ],
        )
        return context.resource(
            logical_id, "AWS::Logs::MetricFilter", name, {"LogGroupName": group}
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        found = clients("logs").describe_metric_filters(
            logGroupName=resource.attributes["LogGroupName"],
            filterNamePrefix=resource.physical_id,
        )
        return any(f["filterName"] == resource.physical_id for f in found["metricFilters"])


class IamRole:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("RoleName") or context.physical_name(logical_id, max_length=64)
        arn = create_role(
            context.clients("iam"),
            name,
            properties["AssumeRolePolicyDocument"],
            {
                policy["PolicyName"]: policy["PolicyDocument"]
                for policy in properties.get("Policies") or []
            },
        )
        return context.resource(logical_id, "AWS::IAM::Role", name, {"Arn": arn, "RoleId": name})

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return role_exists(clients, resource.physical_id)


def trust_policy(service: str) -> dict[str, Any]:
    """A role trust policy letting one AWS service assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def create_role(
    iam: Any, name: str, trust_policy: dict[str, Any], inline_policies: dict[str, Any]
) -> str:
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_policy))[
        "Role"
    ]["Arn"]
    for policy_name, document in inline_policies.items():
        iam.put_role_policy(
            RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document)
        )
    return arn


def role_exists(clients: ClientFactory, name: str) -> bool:
    return answers(lambda: clients("iam").get_role(RoleName=name))
