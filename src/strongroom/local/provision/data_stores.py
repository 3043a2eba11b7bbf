"""DynamoDB tables, SQS queues, SNS topics and S3 buckets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from strongroom.local.provision.model import (
    ClientFactory,
    ProvisionContext,
    ProvisionedResource,
    answers,
)
from strongroom.local.template.intrinsics import TemplateError


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


class DynamoDbTable:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        client = context.clients("dynamodb")
        name = properties.get("TableName") or context.physical_name(logical_id, max_length=255)
        sse = properties.get("SSESpecification")
        request = _drop_none(
            {
                "TableName": name,
                "KeySchema": properties["KeySchema"],
                "AttributeDefinitions": properties["AttributeDefinitions"],
                "BillingMode": properties.get("BillingMode", "PROVISIONED"),
                "ProvisionedThroughput": properties.get("ProvisionedThroughput"),
                "GlobalSecondaryIndexes": properties.get("GlobalSecondaryIndexes"),
                "LocalSecondaryIndexes": properties.get("LocalSecondaryIndexes"),
                "SSESpecification": {"Enabled": bool(sse.get("SSEEnabled"))} if sse else None,
                "Tags": properties.get("Tags"),
            }
        )
        stream = properties.get("StreamSpecification")
        if stream:
            request["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": stream["StreamViewType"],
            }
        if request["BillingMode"] == "PROVISIONED" and "ProvisionedThroughput" not in request:
            request["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        table = client.create_table(**request)["TableDescription"]
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )
        recovery = properties.get("PointInTimeRecoverySpecification") or {}
        if recovery.get("PointInTimeRecoveryEnabled"):
            client.update_continuous_backups(
                TableName=name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
        attributes = {"Arn": table["TableArn"]}
        if "LatestStreamArn" in table:
            attributes["StreamArn"] = table["LatestStreamArn"]
        return context.resource(logical_id, "AWS::DynamoDB::Table", name, attributes)

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("dynamodb").describe_table(TableName=resource.physical_id))


class SqsQueue:
    _PASSED_ATTRIBUTES = (
        "DelaySeconds",
        "MaximumMessageSize",
        "MessageRetentionPeriod",
        "ReceiveMessageWaitTimeSeconds",
        "VisibilityTimeout",
        "FifoQueue",
        "ContentBasedDeduplication",
        "KmsMasterKeyId",
        "SqsManagedSseEnabled",
    )

    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        client = context.clients("sqs")
        fifo = bool(properties.get("FifoQueue"))
        name = properties.get("QueueName") or context.physical_name(
            logical_id, max_length=75 if fifo else 80
        )
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        attributes = {
            key: str(properties[key]).lower()
            if isinstance(properties[key], bool)
            else str(properties[key])
            for key in self._PASSED_ATTRIBUTES
            if key in properties
        }
        for policy_name in ("RedrivePolicy", "RedriveAllowPolicy"):
            if policy_name in properties:
                attributes[policy_name] = json.dumps(properties[policy_name])
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = context.arn("sqs", name)
        return context.resource(
            logical_id, "AWS::SQS::Queue", url, {"Arn": arn, "QueueName": name, "QueueUrl": url}
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("sqs").get_queue_attributes(QueueUrl=resource.physical_id))


class SqsQueuePolicy:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        client = context.clients("sqs")
        for url in properties["Queues"]:
            client.set_queue_attributes(
                QueueUrl=url, Attributes={"Policy": json.dumps(properties["PolicyDocument"])}
            )
        return context.resource(
            logical_id,
            "AWS::SQS::QueuePolicy",
            logical_id,
            {"Queues": list(properties["Queues"])},
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        sqs = clients("sqs")
        return all(
            "Policy"
            in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get(
                "Attributes", {}
            )
            for url in resource.attributes["Queues"]
        )


class SnsTopicPolicy:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        client = context.clients("sns")
        for arn in properties["Topics"]:
            client.set_topic_attributes(
                TopicArn=arn,
                AttributeName="Policy",
                AttributeValue=json.dumps(properties["PolicyDocument"]),
            )
        return context.resource(
            logical_id, "AWS::SNS::TopicPolicy", logical_id, {"Topics": list(properties["Topics"])}
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        sns = clients("sns")
        return all(
            "Policy" in sns.get_topic_attributes(TopicArn=arn).get("Attributes", {})
            for arn in resource.attributes["Topics"]
        )


class SnsTopic:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        client = context.clients("sns")
        name = properties.get("TopicName") or context.physical_name(logical_id, max_length=256)
        attributes = {}
        if "KmsMasterKeyId" in properties:
            attributes["KmsMasterKeyId"] = str(properties["KmsMasterKeyId"])
        arn = client.create_topic(Name=name, Attributes=attributes)["TopicArn"]
        for subscription in properties.get("Subscription") or []:
            client.subscribe(
                TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"]
            )
        return context.resource(
            logical_id, "AWS::SNS::Topic", arn, {"TopicArn": arn, "TopicName": name}
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("sns").get_topic_attributes(TopicArn=resource.physical_id))


class SnsSubscription:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        arn = context.clients("sns").subscribe(
            TopicArn=properties["TopicArn"],
            Protocol=properties["Protocol"],
            Endpoint=properties["Endpoint"],
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        return context.resource(logical_id, "AWS::SNS::Subscription", arn)

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(
            lambda: clients("sns").get_subscription_attributes(SubscriptionArn=resource.physical_id)
        )


class S3Bucket:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        client = context.clients("s3")
        name = properties.get("BucketName") or context.physical_name(
            f"{logical_id}-{context.account_id}", max_length=63, lower=True
        )
        request: dict[str, Any] = {"Bucket": name}
        if context.region != "us-east-1":
            request["CreateBucketConfiguration"] = {"LocationConstraint": context.region}
        if properties.get("ObjectLockEnabled"):
            request["ObjectLockEnabledForBucket"] = True
        notifications = bucket_notification_configuration(
            logical_id, properties.get("NotificationConfiguration") or {}
        )
        client.create_bucket(**request)
        self._configure(client, name, properties)
        if notifications:
            client.put_bucket_notification_configuration(
                Bucket=name, NotificationConfiguration=notifications
            )
        return context.resource(
            logical_id,
            "AWS::S3::Bucket",
            name,
            {
                "Arn": f"arn:aws:s3:::{name}",
                "DomainName": f"{name}.s3.amazonaws.com",
                "RegionalDomainName": f"{name}.s3.{context.region}.amazonaws.com",
            },
        )

    @staticmethod
    def _configure(client: Any, name: str, properties: dict[str, Any]) -> None:
        versioning = properties.get("VersioningConfiguration")
        if versioning:
            client.put_bucket_versioning(
                Bucket=name, VersioningConfiguration={"Status": versioning["Status"]}
            )
        block = properties.get("PublicAccessBlockConfiguration")
        if block:
            client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)
        encryption = properties.get("BucketEncryption")
        if encryption:
            client.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        _encryption_rule(rule)
                        for rule in encryption["ServerSideEncryptionConfiguration"]
                    ]
                },
            )
        lock = properties.get("ObjectLockConfiguration")
        if lock:
            client.put_object_lock_configuration(
                Bucket=name, ObjectLockConfiguration=object_lock_configuration(lock)
            )
        lifecycle = properties.get("LifecycleConfiguration")
        if lifecycle:
            client.put_bucket_lifecycle_configuration(
                Bucket=name, LifecycleConfiguration={"Rules": _lifecycle_rules(lifecycle["Rules"])}
            )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("s3").head_bucket(Bucket=resource.physical_id))


_UNHONOURED_NOTIFICATIONS = {
    "LambdaConfigurations": "the local stack invokes functions only from the event sources "
    "it runs (SQS, DynamoDB Streams, schedules, HTTP APIs)",
    "EventBridgeConfiguration": "the local stack has no EventBridge bus to deliver to",
}


def bucket_notification_configuration(
    logical_id: str, configuration: Mapping[str, Any]
) -> dict[str, Any]:
    """CloudFormation's NotificationConfiguration in the S3 API's shape (empty: none).

    Destinations the local stack cannot honour are refused rather than silently dropped.
    """
    for name, reason in _UNHONOURED_NOTIFICATIONS.items():
        if configuration.get(name):
            raise TemplateError(
                f"{logical_id}: NotificationConfiguration.{name} is not supported locally: {reason}"
            )
    unknown = set(configuration) - {"QueueConfigurations", "TopicConfigurations"}
    unknown -= set(_UNHONOURED_NOTIFICATIONS)
    if unknown:
        raise TemplateError(
            f"{logical_id}: NotificationConfiguration has unknown properties {sorted(unknown)}"
        )
    translated: dict[str, Any] = {}
    for section, destination, api_destination in (
        ("QueueConfigurations", "Queue", "QueueArn"),
        ("TopicConfigurations", "Topic", "TopicArn"),
    ):
        if configuration.get(section):
            translated[section] = [
                _notification_target(api_destination, entry[destination], entry)
                for entry in configuration[section]
            ]
    return translated


def _notification_target(
    api_destination: str, arn: str, entry: Mapping[str, Any]
) -> dict[str, Any]:
    target: dict[str, Any] = {api_destination: arn, "Events": [entry["Event"]]}
    rules = ((entry.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
    if rules:
        target["Filter"] = {
            "Key": {
                "FilterRules": [{"Name": rule["Name"], "Value": rule["Value"]} for rule in rules]
            }
        }
    return target


def _encryption_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation says ServerSideEncryptionByDefault where the API says Apply...ByDefault."""
    translated = {
        key: value for key, value in rule.items() if key != "ServerSideEncryptionByDefault"
    }
    if "ServerSideEncryptionByDefault" in rule:
        translated["ApplyServerSideEncryptionByDefault"] = rule["ServerSideEncryptionByDefault"]
    return translated


def object_lock_configuration(configuration: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's ObjectLockConfiguration in the S3 API's types: a retention's Days or
    Years is a number there, and often a parameter (a string) in the template."""
    translated: dict[str, Any] = {"ObjectLockEnabled": configuration["ObjectLockEnabled"]}
    retention = (configuration.get("Rule") or {}).get("DefaultRetention")
    if retention:
        period = {key: int(retention[key]) for key in ("Days", "Years") if key in retention}
        translated["Rule"] = {"DefaultRetention": {"Mode": retention["Mode"], **period}}
    return translated


def _lifecycle_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CloudFormation's lifecycle rules differ in shape from the S3 API's: translate ours."""
    translated = []
    for rule in rules:
        api_rule: dict[str, Any] = {
            "ID": rule.get("Id", "rule"),
            "Status": rule["Status"],
            "Filter": {"Prefix": rule.get("Prefix", "")},
        }
        abort = rule.get("AbortIncompleteMultipartUpload")
        if abort:
            api_rule["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": int(abort["DaysAfterInitiation"])
            }
        if "ExpirationInDays" in rule:
            api_rule["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
        transitions = rule.get("Transitions") or []
        if transitions:
            api_rule["Transitions"] = [
                {"Days": int(item["TransitionInDays"]), "StorageClass": item["StorageClass"]}
                for item in transitions
            ]
        translated.append(api_rule)
    return translated


def _requires_tls(statement: Mapping[str, Any]) -> bool:
    condition = statement.get("Condition") or {}
    secure = (condition.get("Bool") or {}).get("aws:SecureTransport")
    return statement.get("Effect") == "Deny" and str(secure).lower() == "false"


def local_bucket_policy(document: Mapping[str, Any]) -> dict[str, Any]:
    """The policy without its TLS-only denials: the emulator serves plain HTTP on loopback,
    and moto enforces bucket policies, so they would refuse every request there."""
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    return {**document, "Statement": [s for s in statements if not _requires_tls(s)]}


class S3BucketPolicy:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        bucket = properties["Bucket"]
        policy = local_bucket_policy(properties["PolicyDocument"])
        if policy["Statement"]:
            context.clients("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        return context.resource(logical_id, "AWS::S3::BucketPolicy", bucket)

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("s3").head_bucket(Bucket=resource.physical_id))
