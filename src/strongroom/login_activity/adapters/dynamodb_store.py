"""The login activity table in DynamoDB behind the ActivityStore port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strongroom.core import aws
from strongroom.login_activity.adapters.activity_item import USER_ID, VERSION, from_item, to_item
from strongroom.login_activity.adapters.activity_store import StoredActivity, VersionConflict
from strongroom.login_activity.domain.activity import UserActivity

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoDBActivityStore:
    """Optimistic locking on a ``version`` attribute: every write is a conditional PutItem."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table_name = table_name
        self._client: DynamoDBClient = client or aws.client("dynamodb")

    def load(self, user_id: str, *, consistent: bool = True) -> StoredActivity | None:
        response = self._client.get_item(
            TableName=self._table_name,
            Key={USER_ID: {"S": user_id}},
            ConsistentRead=consistent,
        )
        item = response.get("Item")
        return None if item is None else from_item(dict(item))

    def save(self, activity: UserActivity, expected_version: int | None) -> int:
        version = 1 if expected_version is None else expected_version + 1
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item=to_item(activity, version),
                **_version_condition(expected_version),
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise VersionConflict(
                f"{activity.user_id!r} is no longer at version {expected_version}"
            ) from None
        return version


def _version_condition(expected_version: int | None) -> dict[str, Any]:
    names = {"#user_id": USER_ID, "#version": VERSION}
    if expected_version is None:
        return {
            "ConditionExpression": "attribute_not_exists(#user_id)",
            "ExpressionAttributeNames": {"#user_id": USER_ID},
        }
    if expected_version == 0:
        return {
            "ConditionExpression": "attribute_exists(#user_id) AND attribute_not_exists(#version)",
            "ExpressionAttributeNames": names,
        }
    return {
        "ConditionExpression": "#version = :expected",
        "ExpressionAttributeNames": {"#version": VERSION},
        "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
    }
