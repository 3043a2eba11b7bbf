"""What the local stack's SNS topics delivered, for people and tests to look at.

Nothing subscribes to most topics locally (no e-mail, no phone), so a published message would
otherwise be invisible. moto keeps every message published to a topic; this reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


class UnknownTopic(LookupError):
    pass


@dataclass(frozen=True)
class Delivery:
    topic_arn: str
    message_id: str
    subject: str | None
    message: str
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "attributes": dict(self.attributes)}


class PublishedTopic(Protocol):
    """moto's SNS Topic, as far as this module reads it."""

    @property
    def arn(self) -> str: ...

    @property
    def sent_notifications(
        self,
    ) -> Sequence[tuple[str, str, str | None, Mapping[str, Any] | None, str | None]]: ...


def deliveries_of(topics: Iterable[PublishedTopic], topic_arn: str | None = None) -> list[Delivery]:
    """Every message published to ``topics`` (or to the one ``topic_arn``): topics by ARN,
    each topic's messages in publish order (moto keeps no time to interleave topics by)."""
    chosen = sorted(topics, key=lambda topic: topic.arn)
    if topic_arn is not None:
        chosen = [topic for topic in chosen if topic.arn == topic_arn]
        if not chosen:
            raise UnknownTopic(f"no topic {topic_arn} in the local stack")
    return [
        Delivery(topic.arn, message_id, subject, message, dict(attributes or {}))
        for topic in chosen
        for message_id, message, subject, attributes, _group in list(topic.sent_notifications)
    ]


def sns_deliveries(account_id: str, region: str, topic_arn: str | None = None) -> list[Delivery]:
    """What moto's SNS delivered in one account and region."""
    from moto.sns.models import sns_backends  # noqa: PLC0415 - the local extra only

    topics = list(sns_backends[account_id][region].topics.values())
    return deliveries_of(topics, topic_arn)
