"""Every resource of every template exists locally; endpoints.json tells clients where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from strongroom.local.endpoints import Endpoints
from strongroom.local.provision.registry import PROVISIONERS
from strongroom.local.stack import LocalStack
from strongroom.local.template.yaml_loader import load_template

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[3]


def test_every_system_template_is_provisioned(local_stack: LocalStack) -> None:
    provisioned = {stack.template_path.resolve() for stack in local_stack.stacks}
    system_templates = {
        path.resolve() for path in (REPO / "src" / "strongroom").glob("*/template.yaml")
    }

    assert system_templates
    assert system_templates <= provisioned


def test_every_template_resource_exists_in_the_local_stack(local_stack: LocalStack) -> None:
    checked = 0
    for stack in local_stack.stacks:
        declared = load_template(stack.template_path)["Resources"]
        # a resource whose Condition is false is not deployed, on AWS as here
        assert set(declared) == set(stack.resources) | set(stack.skipped), stack.template_path
        assert not set(stack.resources) & set(stack.skipped)
        for logical_id, resource in stack.resources.items():
            assert resource.resource_type == declared[logical_id]["Type"]
            exists = PROVISIONERS[resource.resource_type].exists(resource, local_stack.client)
            assert exists, f"{stack.system}.{logical_id} ({resource.resource_type}) is missing"
            checked += 1
    assert checked >= 10


def test_endpoints_file_describes_the_running_stack(
    local_stack: LocalStack, endpoints: Endpoints
) -> None:
    written = json.loads((local_stack.options.state_dir / "endpoints.json").read_text())

    assert written["aws_endpoint_url"] == local_stack.emulator.url
    assert written["outputs"]["config_audit"]["ConfigurationTableName"] == "Configuration"
    assert written["outputs"]["config_audit"]["AuditTableName"] == "Audit"
    assert written["apis"]["platform_fixture"] == written["outputs"]["platform_fixture"]["ApiUrl"]
    assert written["token"] == endpoints.token
    assert (local_stack.options.state_dir / "endpoints.json").stat().st_mode & 0o077 == 0


def test_resource_properties_reach_the_emulator(local_stack: LocalStack) -> None:
    dynamodb = local_stack.client("dynamodb")
    audit = dynamodb.describe_table(TableName="Audit")["Table"]
    backups = dynamodb.describe_continuous_backups(TableName="Audit")[
        "ContinuousBackupsDescription"
    ]
    alias = local_stack.client("lambda").get_alias(FunctionName="audit_producer", Name="learn")
    function = local_stack.client("lambda").get_function_configuration(
        FunctionName="audit_producer"
    )

    assert [index["IndexName"] for index in audit["GlobalSecondaryIndexes"]] == ["byItemKey"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert alias["Name"] == "learn"
    assert function["Environment"]["Variables"]["AUDIT_TABLE_NAME"] == "Audit"
    assert function["Role"].endswith("AuditProducerRole")
