"""Restore notifications through SNS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strongroom.core.aws import client

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient


class SnsNotifier:
    def __init__(self, sns_client: SNSClient | None = None) -> None:
        self._sns: SNSClient = sns_client or client("sns")

    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        response = self._sns.publish(TopicArn=topic_arn, Subject=subject, Message=message)
        return response["MessageId"]
