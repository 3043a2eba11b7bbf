"""The Audit table in DynamoDB behind the AuditStore port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strongroom.config_audit.adapters.audit_item import (
    ID,
    ITEM_KEY,
    from_audit_item,
    to_audit_item,
)
from strongroom.config_audit.adapters.binary_form import from_boto_item, to_boto_item
from strongroom.config_audit.domain.entry import AuditEntry
from strongroom.core import aws

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BY_ITEM_KEY_INDEX = "byItemKey"
"""GSI of the Audit table: hash ``itemKey``, range ``modificationTime`` (see template.yaml)."""


class DynamoDBAuditStore:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table_name = table_name
        self._client: DynamoDBClient = client or aws.client("dynamodb")

    def add(self, entry: AuditEntry) -> bool:
        """Conditional put: a failed condition means the entry was audited before."""
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item=to_boto_item(to_audit_item(entry)),
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": ID},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def history(self, item_key: str) -> list[AuditEntry]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table_name,
            IndexName=BY_ITEM_KEY_INDEX,
            KeyConditionExpression="#itemKey = :itemKey",
            ExpressionAttributeNames={"#itemKey": ITEM_KEY},
            ExpressionAttributeValues={":itemKey": {"S": item_key}},
            ScanIndexForward=False,
        )
        return [
            from_audit_item(from_boto_item(dict(item))) for page in pages for item in page["Items"]
        ]
