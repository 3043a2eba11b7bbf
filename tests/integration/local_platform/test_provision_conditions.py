"""A template with conditions is provisioned as CloudFormation would deploy it."""

from __future__ import annotations

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
TEMPLATE = Path(__file__).parent / "conditional" / "template.yaml"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    emulator = Emulator("eu-west-1")
    emulator.start()
    yield emulator
    emulator.stop()


def _provision(
    emulator: Emulator, system: str, parameters: dict[str, str]
) -> tuple[ProvisionedStack, Topology]:
    body = load_template(TEMPLATE)
    stack = StackTemplate(
        system=system,
        path=TEMPLATE,
        body=body,
        parameters=parameter_values(body, parameters, TEMPLATE),
    )
    topology = Topology()
    environment = Environment("eu-west-1", LOCAL_ACCOUNT_ID, emulator.client)
    return provision_stack(stack, environment, topology), topology


@pytest.fixture(scope="module")
def defaults(emulator: Emulator) -> tuple[ProvisionedStack, Topology]:
    return _provision(emulator, "cond_defaults", {})


@pytest.fixture(scope="module")
def given(emulator: Emulator) -> tuple[ProvisionedStack, Topology]:
    return _provision(
        emulator,
        "cond_given",
        {
            "VpcSubnetIds": "subnet-a,subnet-b",
            "BucketName": "strongroom-given-trigger",
            "ScheduleEnabled": "false",
            "ScheduleTimezone": "America/New_York",
        },
    )


def test_with_defaults_the_conditional_resources_are_skipped_and_the_rest_exist(
    emulator: Emulator, defaults: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = defaults
    declared = set(load_template(TEMPLATE)["Resources"])

    assert stack.skipped == {"VpcQueue": "HasVpc", "NamedOnly": "VpcAndNamedBucket"}
    assert set(stack.resources) | set(stack.skipped) == declared
    for logical_id, resource in stack.resources.items():
        assert PROVISIONERS[resource.resource_type].exists(resource, emulator.client), logical_id
    assert set(stack.outputs) == {"BucketName"}


def test_without_a_bucket_name_the_bucket_gets_a_generated_one(
    emulator: Emulator, defaults: tuple[ProvisionedStack, Topology]
) -> None:
    stack, _ = defaults
    bucket = stack.outputs["BucketName"]
    s3 = emulator.client("s3")
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]

    assert bucket.startswith("strongroom-cond-defaults-")
    assert [rule["ID"] for rule in rules] == ["expire-scratch"]
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_given_values_create_the_named_bucket_and_the_conditional_resources(
    emulator: Emulator, given: tuple[ProvisionedStack, Topology]
) -> None:
    stack, topology = given
    s3 = emulator.client("s3")
    rules = s3.get_bucket_lifecycle_configuration(Bucket="strongroom-given-trigger")["Rules"]
    versioning = s3.get_bucket_versioning(Bucket="strongroom-given-trigger")
    (worker,) = topology.functions

    assert stack.skipped == {}
    assert stack.outputs["BucketName"] == "strongroom-given-trigger"
    assert [rule["ID"] for rule in rules] == ["expire-scratch", "expire-vpc-logs"]
    assert versioning["Status"] == "Enabled"
    assert stack.outputs["VpcQueueUrl"].endswith("strongroom-cond-given-VpcQueue")
    assert worker.environment["SUBNETS"] == "subnet-a,subnet-b"
    assert worker.environment["QUEUE"] == stack.outputs["VpcQueueUrl"]


def test_the_schedule_reaches_the_emulator_and_the_scheduler_with_its_time_zone(
    emulator: Emulator,
    defaults: tuple[ProvisionedStack, Topology],
    given: tuple[ProvisionedStack, Topology],
) -> None:
    scheduler = emulator.client("scheduler")
    (on,) = defaults[1].schedules
    (off,) = given[1].schedules
    created = scheduler.get_schedule(Name=on.arn.rsplit("/", 1)[1])

    assert (on.service, on.timezone, on.enabled) == ("scheduler", "Europe/London", True)
    assert (off.timezone, off.enabled) == ("America/New_York", False)
    assert on.input == {"scheduled_time": "<aws.scheduler.scheduled-time>"}
    assert created["ScheduleExpressionTimezone"] == "Europe/London"
    assert created["State"] == "ENABLED"
    assert created["Target"]["Input"] == '{"scheduled_time": "<aws.scheduler.scheduled-time>"}'


def test_an_unknown_condition_on_a_resource_is_refused_by_name(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "template.yaml"
    body = {
        "Conditions": {"IsProd": {"Fn::Equals": ["a", "b"]}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Condition": "IsProduction"}},
    }
    stack = StackTemplate(system="cond_bad", path=path, body=body)
    environment = Environment("eu-west-1", LOCAL_ACCOUNT_ID, emulator.client)

    with pytest.raises(
        TemplateError, match=r"Queue: unknown condition 'IsProduction' \(known: IsProd\)"
    ):
        provision_stack(stack, environment, Topology())
