"""Every resource type the local stack knows is created in the emulator with its configuration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from strongroom.core.localdev import LOCAL_ACCOUNT_ID
from strongroom.local.emulator import Emulator
from strongroom.local.provision.model import Topology
from strongroom.local.provision.provisioner import Environment, ProvisionedStack, provision_stack
from strongroom.local.provision.registry import PROVISIONERS
from strongroom.local.template.intrinsics import TemplateError
from strongroom.local.template.stacks import StackTemplate, parameter_values
from strongroom.local.template.yaml_loader import load_template

pytestmark = pytest.mark.integration
TEMPLATE = Path(__file__).parent / "all_types" / "template.yaml"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    emulator = Emulator("eu-west-1")
    emulator.start()
    yield emulator
    emulator.stop()


def _stack(path: Path, body: dict | None = None) -> StackTemplate:  # type: ignore[type-arg]
    body = body or load_template(path)
    return StackTemplate(
        system=path.parent.name, path=path, body=body, parameters=parameter_values(body, {}, path)
    )


@pytest.fixture(scope="module")
def provisioned(emulator: Emulator) -> tuple[ProvisionedStack, Topology]:
    topology = Topology()
    environment = Environment("eu-west-1", LOCAL_ACCOUNT_ID, emulator.client)
    return provision_stack(_stack(TEMPLATE), environment, topology), topology


def test_every_resource_type_of_the_registry_is_exercised(
    provisioned: tuple[ProvisionedStack, Topology],
) -> None:
    stack, _ = provisioned
    used = {resource.resource_type for resource in stack.resources.values()}
    exercised_elsewhere = {  # by config_audit and the e2e platform fixture
        "AWS::DynamoDB::Table",
        "AWS::Serverless::HttpApi",
        "AWS::Batch::ComputeEnvironment",
        "AWS::Batch::JobQueue",
        "AWS::Batch::JobDefinition",
    }

    assert used | exercised_elsewhere == set(PROVISIONERS)


def test_every_resource_exists(
    emulator: Emulator, provisioned: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = provisioned

    for logical_id, resource in stack.resources.items():
        assert PROVISIONERS[resource.resource_type].exists(resource, emulator.client), logical_id


def test_bucket_configuration_reaches_the_emulator(
    emulator: Emulator, provisioned: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = provisioned
    s3 = emulator.client("s3")
    archive = stack.outputs["ArchiveBucket"]

    rules = s3.get_bucket_lifecycle_configuration(Bucket=archive)["Rules"]
    assert rules[0]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 2}
    assert s3.get_public_access_block(Bucket=archive)["PublicAccessBlockConfiguration"][
        "BlockPublicPolicy"
    ]
    assert s3.get_bucket_versioning(Bucket=archive)["Status"] == "Enabled"
    encryption = s3.get_bucket_encryption(Bucket=archive)["ServerSideEncryptionConfiguration"]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    # The emulator speaks plain HTTP: TLS-only denials are left out, every other statement stays.
    policy = s3.get_bucket_policy(Bucket=archive)["Policy"]
    assert "KeepTheBucket" in policy
    assert "DenyInsecureTransport" not in policy
    lock = s3.get_object_lock_configuration(Bucket="strongroom-evidence-test")
    assert lock["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Mode"] == "COMPLIANCE"


def test_glue_tables_and_athena_workgroups_keep_their_configuration(
    emulator: Emulator, provisioned: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = provisioned
    glue, athena = emulator.client("glue"), emulator.client("athena")

    table = glue.get_table(DatabaseName="records_test", Name=stack.outputs["EventsTable"])["Table"]
    group = athena.get_work_group(WorkGroup=stack.outputs["QueriesWorkGroup"])["WorkGroup"]

    assert table["Parameters"]["projection.day.type"] == "date"
    assert table["PartitionKeys"] == [{"Name": "day", "Type": "date"}]
    assert table["StorageDescriptor"]["Columns"] == [{"Name": "amount", "Type": "decimal(18,2)"}]
    assert (
        table["StorageDescriptor"]["Location"] == f"s3://{stack.outputs['ArchiveBucket']}/events/"
    )
    settings = group["Configuration"]
    assert settings["EnforceWorkGroupConfiguration"] is True
    assert settings["BytesScannedCutoffPerQuery"] == 10_000_000
    archive = stack.outputs["ArchiveBucket"]
    assert settings["ResultConfiguration"]["OutputLocation"] == f"s3://{archive}/athena/"


def test_a_kms_key_keeps_its_spec_usage_and_policy(
    emulator: Emulator, provisioned: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = provisioned
    kms = emulator.client("kms")

    key = kms.describe_key(KeyId=stack.outputs["SignerId"])["KeyMetadata"]
    policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])

    assert (key["KeySpec"], key["KeyUsage"], key["Description"]) == (
        "RSA_2048",
        "SIGN_VERIFY",
        "Signs statements.",
    )
    assert key["Arn"] == stack.outputs["SignerArn"]
    assert policy["Statement"][0]["Principal"]["AWS"] == f"arn:aws:iam::{LOCAL_ACCOUNT_ID}:root"


def test_a_generated_secret_fills_its_template(
    emulator: Emulator, provisioned: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = provisioned
    value = emulator.client("secretsmanager").get_secret_value(SecretId=stack.outputs["SecretArn"])
    secret = json.loads(value["SecretString"])

    assert secret["username"] == "reader"
    assert len(secret["password"]) == 24
    assert not set(secret["password"]) & set('"@/\\')


def test_subscriptions_deliver_topic_messages_to_the_queue(
    emulator: Emulator, provisioned: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = provisioned
    emulator.client("sns").publish(TopicArn=stack.resources["Notices"].ref, Message="hello")
    received = emulator.client("sqs").receive_message(
        QueueUrl=stack.resources["Inbox"].ref, WaitTimeSeconds=2
    )

    assert json.loads(received["Messages"][0]["Body"])["Message"] == "hello"


def test_a_pattern_rule_and_a_topic_policy_reach_the_emulator(
    emulator: Emulator, provisioned: tuple[ProvisionedStack, Topology]
) -> None:
    stack, topology = provisioned
    rule = stack.resources["FailedJobsRule"].physical_id
    events = emulator.client("events")
    topic = stack.resources["Notices"].ref

    pattern = json.loads(events.describe_rule(Name=rule)["EventPattern"])
    [target] = events.list_targets_by_rule(Rule=rule)["Targets"]
    policy = emulator.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"]

    assert pattern["detail"] == {"status": ["FAILED"]}
    assert (target["Arn"], target["InputTransformer"]["InputPathsMap"]) == (
        topic,
        {"job": "$.detail.jobName"},
    )
    assert json.loads(policy)["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}
    assert not [spec for spec in topology.schedules if "FailedJobsRule" in spec.name]


def test_a_metric_filter_reaches_its_log_group(
    emulator: Emulator, provisioned: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = provisioned
    group = stack.resources["WorkerLogs"].physical_id

    [found] = emulator.client("logs").describe_metric_filters(logGroupName=group)["metricFilters"]

    assert found["filterPattern"] == '{ $.status = "failed" }'
    [transformation] = found["metricTransformations"]
    assert (transformation["metricName"], transformation["metricNamespace"]) == (
        "WorkFailed",
        "AllTypes",
    )


def test_schedules_of_every_kind_are_collected_for_the_scheduler(
    provisioned: tuple[ProvisionedStack, Topology],
) -> None:
    _, topology = provisioned
    schedules = {spec.name: spec for spec in topology.schedules}

    assert schedules["all_types.Worker.Nightly"].expression == "rate(1 day)"
    assert schedules["all_types.Worker.Nightly"].input == {"source": "scheduler"}
    assert schedules["all_types.HourlyRule.worker"].input == {"source": "rule"}
    assert schedules["all_types.HourlyRule.worker"].function_name == "strongroom-all-types-Worker"
    assert schedules["all_types.WeeklySchedule"].expression == "cron(0 6 ? * MON *)"


def test_an_unknown_resource_type_is_refused_by_name(emulator: Emulator, tmp_path: Path) -> None:
    body = {"Resources": {"Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {}}}}
    environment = Environment("eu-west-1", LOCAL_ACCOUNT_ID, emulator.client)

    with pytest.raises(TemplateError, match="Cluster has type AWS::EKS::Cluster"):
        provision_stack(_stack(tmp_path / "template.yaml", body), environment, Topology())


def test_a_handler_outside_code_uri_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    body = {
        "Resources": {
            "Lost": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Handler": "nowhere.module.handler", "CodeUri": "."},
            }
        }
    }
    environment = Environment("eu-west-1", LOCAL_ACCOUNT_ID, emulator.client)

    with pytest.raises(TemplateError, match="is not under CodeUri"):
        provision_stack(_stack(tmp_path / "template.yaml", body), environment, Topology())


def test_a_schedule_input_that_is_not_json_is_refused_by_name(
    emulator: Emulator, tmp_path: Path
) -> None:
    body = {
        "Resources": {
            "Nightly": {
                "Type": "AWS::Scheduler::Schedule",
                "Properties": {
                    "ScheduleExpression": "rate(1 day)",
                    "FlexibleTimeWindow": {"Mode": "OFF"},
                    "Target": {
                        "Arn": "arn:aws:lambda:eu-west-1:123456789012:function:worker",
                        "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
                        "Input": '{"attempt": <aws.scheduler.attempt-number>}',
                    },
                },
            }
        }
    }
    environment = Environment("eu-west-1", LOCAL_ACCOUNT_ID, emulator.client)

    with pytest.raises(TemplateError, match="Nightly: Input is not well-formed JSON"):
        provision_stack(_stack(tmp_path / "template.yaml", body), environment, Topology())
