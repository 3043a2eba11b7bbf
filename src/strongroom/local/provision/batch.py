"""AWS Batch: compute environments, job queues and job definitions in the emulator.

Jobs submitted to these queues run as local processes (``strongroom.local.batch``). The
emulator validates networking, so a compute environment gets the emulator's default VPC
subnets and security group instead of the template's, which exist only on AWS.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from strongroom.local.provision.model import ClientFactory, ProvisionContext, ProvisionedResource
from strongroom.local.provision.operations import create_role, role_exists, trust_policy

_BATCH_SERVICE_ROLE = "strongroom-local-batch-service"
_USER_KEYED = {"parameters", "options", "tags"}  # keys below these are the user's, not the schema's


def camel_case(value: Any) -> Any:
    """CloudFormation spells Batch's API fields in PascalCase: ``Command`` -> ``command``."""
    if isinstance(value, list):
        return [camel_case(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {}
    for key, item in value.items():
        name = key[:1].lower() + key[1:]
        converted[name] = item if name in _USER_KEYED else camel_case(item)
    return converted


def _default_network(clients: ClientFactory) -> tuple[list[str], list[str]]:
    ec2 = clients("ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    groups = ec2.describe_security_groups(GroupNames=["default"])
    return (
        [subnet["SubnetId"] for subnet in subnets["Subnets"]],
        [group["GroupId"] for group in groups["SecurityGroups"]],
    )


def _service_role(context: ProvisionContext) -> str:
    iam = context.clients("iam")
    if role_exists(context.clients, _BATCH_SERVICE_ROLE):
        arn: str = iam.get_role(RoleName=_BATCH_SERVICE_ROLE)["Role"]["Arn"]
        return arn
    return create_role(iam, _BATCH_SERVICE_ROLE, trust_policy("batch.amazonaws.com"), {})


_VCPU_COUNTS = frozenset({"maxvCpus", "minvCpus", "desiredvCpus"})


class BatchComputeEnvironment:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("ComputeEnvironmentName") or context.physical_name(
            logical_id, max_length=128
        )
        resources = camel_case(properties.get("ComputeResources") or {})
        # CloudFormation passes Number parameters as strings; the Batch API wants integers.
        for count in _VCPU_COUNTS & resources.keys():
            resources[count] = int(resources[count])
        subnets, groups = _default_network(context.clients)
        resources.update({"subnets": subnets, "securityGroupIds": groups})
        arn: str = context.clients("batch").create_compute_environment(
            computeEnvironmentName=name,
            type=properties.get("Type", "MANAGED"),
            state=properties.get("State", "ENABLED"),
            computeResources=resources,
            serviceRole=properties.get("ServiceRole") or _service_role(context),
        )["computeEnvironmentArn"]
        return context.resource(
            logical_id,
            "AWS::Batch::ComputeEnvironment",
            name,
            {"ComputeEnvironmentArn": arn},
            ref=arn,
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        found = clients("batch").describe_compute_environments(
            computeEnvironments=[resource.physical_id]
        )
        return bool(found["computeEnvironments"])


class BatchJobQueue:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("JobQueueName") or context.physical_name(logical_id, max_length=128)
        arn: str = context.clients("batch").create_job_queue(
            jobQueueName=name,
            state=properties.get("State", "ENABLED"),
            priority=int(properties.get("Priority", 1)),
            computeEnvironmentOrder=[
                {"order": int(item["Order"]), "computeEnvironment": item["ComputeEnvironment"]}
                for item in properties["ComputeEnvironmentOrder"]
            ],
        )["jobQueueArn"]
        return context.resource(
            logical_id, "AWS::Batch::JobQueue", name, {"JobQueueArn": arn}, ref=arn
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        found = clients("batch").describe_job_queues(jobQueues=[resource.physical_id])
        return bool(found["jobQueues"])


class BatchJobDefinition:
    _PASSED = ("RetryStrategy", "Timeout", "PlatformCapabilities", "PropagateTags", "Tags")

    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("JobDefinitionName") or context.physical_name(
            logical_id, max_length=128
        )
        request: dict[str, Any] = {
            "jobDefinitionName": name,
            "type": properties.get("Type", "container"),
            "parameters": {
                key: str(value) for key, value in (properties.get("Parameters") or {}).items()
            },
            **{
                key[:1].lower() + key[1:]: camel_case(properties[key])
                for key in self._PASSED
                if key in properties
            },
        }
        # CloudFormation passes Number parameters as strings; the Batch API wants integers.
        if "attemptDurationSeconds" in request.get("timeout", {}):
            request["timeout"]["attemptDurationSeconds"] = int(
                request["timeout"]["attemptDurationSeconds"]
            )
        if "attempts" in request.get("retryStrategy", {}):
            request["retryStrategy"]["attempts"] = int(request["retryStrategy"]["attempts"])
        if "ContainerProperties" in properties:
            request["containerProperties"] = camel_case(properties["ContainerProperties"])
        if "Tags" in properties:
            request["tags"] = dict(properties["Tags"])
        arn: str = context.clients("batch").register_job_definition(**request)["jobDefinitionArn"]
        return context.resource(
            logical_id,
            "AWS::Batch::JobDefinition",
            name,
            {"JobDefinitionArn": arn, "Definition": json.dumps(request, default=str)},
            ref=arn,
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        try:
            found = clients("batch").describe_job_definitions(
                jobDefinitionName=resource.physical_id
            )
        except ClientError:
            return False
        return bool(found["jobDefinitions"])
