"""KMS keys, as CloudFormation makes them: Ref is the key id, ``Arn`` and ``KeyId`` attributes."""

from __future__ import annotations

import json
from typing import Any

from strongroom.local.provision.model import (
    ClientFactory,
    ProvisionContext,
    ProvisionedResource,
    answers,
)

_PASSED = {
    "Description": "Description",
    "KeyUsage": "KeyUsage",
    "KeySpec": "KeySpec",
    "MultiRegion": "MultiRegion",
}


class KmsKey:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        request: dict[str, Any] = {
            api: properties[name] for name, api in _PASSED.items() if name in properties
        }
        if properties.get("KeyPolicy"):
            request["Policy"] = json.dumps(properties["KeyPolicy"])
        if properties.get("Tags"):
            request["Tags"] = [
                {"TagKey": tag["Key"], "TagValue": tag["Value"]} for tag in properties["Tags"]
            ]
        kms = context.clients("kms")
        metadata = kms.create_key(**request)["KeyMetadata"]
        if properties.get("EnableKeyRotation"):
            kms.enable_key_rotation(KeyId=metadata["KeyId"])
        if str(properties.get("Enabled", True)).lower() == "false":
            kms.disable_key(KeyId=metadata["KeyId"])
        return context.resource(
            logical_id,
            "AWS::KMS::Key",
            metadata["KeyId"],
            {"Arn": metadata["Arn"], "KeyId": metadata["KeyId"]},
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("kms").describe_key(KeyId=resource.physical_id))
