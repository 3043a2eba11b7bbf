"""A bucket's NotificationConfiguration: CloudFormation's shape in, the S3 API's shape out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from strongroom.local.provision.data_stores import (
    S3Bucket,
    bucket_notification_configuration,
    object_lock_configuration,
)
from strongroom.local.provision.model import ProvisionContext, Topology
from strongroom.local.provision.provisioner import resource_order
from strongroom.local.template.intrinsics import TemplateError
from strongroom.local.template.stacks import StackTemplate

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:restores"
TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:restored"


class RecordingS3:
    """An S3 client that records the calls a provisioner makes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, operation: str) -> Any:
        def record(**request: Any) -> dict[str, Any]:
            self.calls.append((operation, request))
            return {}

        return record


def _context(s3: RecordingS3) -> ProvisionContext:
    return ProvisionContext(
        system="deep_archive",
        stack_name="strongroom-deep-archive",
        region="eu-west-1",
        account_id="123456789012",
        clients=lambda _service: s3,
        topology=Topology(),
        provisioned={},
    )


def test_queue_configurations_become_the_api_shape_with_their_key_filter() -> None:
    configuration = {
        "QueueConfigurations": [
            {
                "Event": "s3:ObjectRestore:Completed",
                "Queue": QUEUE_ARN,
                "Filter": {
                    "S3Key": {
                        "Rules": [
                            {"Name": "prefix", "Value": "archives/"},
                            {"Name": "suffix", "Value": ".zip"},
                        ]
                    }
                },
            },
            {"Event": "s3:ObjectCreated:*", "Queue": QUEUE_ARN},
        ]
    }

    assert bucket_notification_configuration("ArchiveBucket", configuration) == {
        "QueueConfigurations": [
            {
                "QueueArn": QUEUE_ARN,
                "Events": ["s3:ObjectRestore:Completed"],
                "Filter": {
                    "Key": {
                        "FilterRules": [
                            {"Name": "prefix", "Value": "archives/"},
                            {"Name": "suffix", "Value": ".zip"},
                        ]
                    }
                },
            },
            {"QueueArn": QUEUE_ARN, "Events": ["s3:ObjectCreated:*"]},
        ]
    }


def test_topic_configurations_become_the_api_shape() -> None:
    configuration = {
        "TopicConfigurations": [
            {
                "Event": "s3:ObjectRestore:Completed",
                "Topic": TOPIC_ARN,
                "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".zip"}]}},
            }
        ]
    }

    assert bucket_notification_configuration("ArchiveBucket", configuration) == {
        "TopicConfigurations": [
            {
                "TopicArn": TOPIC_ARN,
                "Events": ["s3:ObjectRestore:Completed"],
                "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".zip"}]}},
            }
        ]
    }


def test_no_notification_configuration_translates_to_nothing() -> None:
    assert bucket_notification_configuration("ArchiveBucket", {}) == {}
    assert bucket_notification_configuration("ArchiveBucket", {"QueueConfigurations": []}) == {}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (
            "LambdaConfigurations",
            [{"Event": "s3:ObjectCreated:*", "Function": "arn:aws:lambda:eu-west-1:1:function:f"}],
        ),
        ("EventBridgeConfiguration", {"EventBridgeEnabled": True}),
    ],
)
def test_destinations_the_local_stack_cannot_honour_are_refused_by_name(
    name: str, value: Any
) -> None:
    configuration = {"QueueConfigurations": [{"Event": "s3:*", "Queue": QUEUE_ARN}], name: value}

    with pytest.raises(TemplateError, match=f"ArchiveBucket: NotificationConfiguration.{name}"):
        bucket_notification_configuration("ArchiveBucket", configuration)


def test_an_unknown_notification_property_is_refused() -> None:
    with pytest.raises(TemplateError, match="QueueConfiguration"):
        bucket_notification_configuration(
            "ArchiveBucket", {"QueueConfiguration": [{"Event": "s3:*", "Queue": QUEUE_ARN}]}
        )


def test_the_bucket_provisioner_configures_notifications_after_creating_the_bucket() -> None:
    s3 = RecordingS3()
    properties = {
        "BucketName": "archives",
        "NotificationConfiguration": {
            "QueueConfigurations": [{"Event": "s3:ObjectRestore:Completed", "Queue": QUEUE_ARN}]
        },
    }

    S3Bucket().provision("ArchiveBucket", properties, _context(s3))

    operations = [operation for operation, _ in s3.calls]
    assert operations[0] == "create_bucket"
    assert operations[-1] == "put_bucket_notification_configuration"
    assert s3.calls[-1][1] == {
        "Bucket": "archives",
        "NotificationConfiguration": {
            "QueueConfigurations": [
                {"QueueArn": QUEUE_ARN, "Events": ["s3:ObjectRestore:Completed"]}
            ]
        },
    }


def test_a_refused_notification_configuration_creates_no_bucket() -> None:
    s3 = RecordingS3()
    properties = {
        "BucketName": "archives",
        "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
    }

    with pytest.raises(TemplateError, match="EventBridgeConfiguration"):
        S3Bucket().provision("ArchiveBucket", properties, _context(s3))

    assert s3.calls == []


def test_a_bucket_waits_for_the_queue_policy_it_depends_on(tmp_path: Path) -> None:
    """S3 checks it may send to the queue when notifications are configured: the policy first."""
    stack = StackTemplate(
        system="s",
        path=tmp_path / "t.yaml",
        body={
            "Resources": {
                "ArchiveBucket": {
                    "Type": "AWS::S3::Bucket",
                    "DependsOn": ["RestoreQueuePolicy"],
                    "Properties": {
                        "NotificationConfiguration": {
                            "QueueConfigurations": [
                                {
                                    "Event": "s3:ObjectRestore:Completed",
                                    "Queue": {"Fn::GetAtt": ["RestoreQueue", "Arn"]},
                                }
                            ]
                        }
                    },
                },
                "AQueuePolicy": {"Type": "AWS::SQS::QueuePolicy"},
                "RestoreQueuePolicy": {
                    "Type": "AWS::SQS::QueuePolicy",
                    "Properties": {"Queues": [{"Ref": "RestoreQueue"}]},
                },
                "RestoreQueue": {"Type": "AWS::SQS::Queue"},
            }
        },
    )

    order = resource_order(stack)

    assert order.index("RestoreQueue") < order.index("RestoreQueuePolicy")
    assert order.index("RestoreQueuePolicy") < order.index("ArchiveBucket")


def test_an_object_lock_retention_from_a_parameter_becomes_a_number() -> None:
    # Given Object Lock days that came from a Number parameter (a string once resolved)
    configuration = {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": "30"}},
    }
    # When it is translated for the S3 API, then the days are an integer
    assert object_lock_configuration(configuration) == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
    }


def test_object_lock_without_a_default_retention_is_only_enabled() -> None:
    assert object_lock_configuration({"ObjectLockEnabled": "Enabled"}) == {
        "ObjectLockEnabled": "Enabled"
    }


def test_a_bucket_with_object_lock_is_created_lock_enabled_with_its_retention() -> None:
    s3 = RecordingS3()
    properties = {
        "BucketName": "archive",
        "VersioningConfiguration": {"Status": "Enabled"},
        "ObjectLockEnabled": True,
        "ObjectLockConfiguration": {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": "1"}},
        },
    }
    S3Bucket().provision("ArchiveBucket", properties, _context(s3))
    calls = dict(s3.calls)
    assert calls["create_bucket"]["ObjectLockEnabledForBucket"] is True
    assert calls["put_object_lock_configuration"]["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}},
    }
