"""One validated DynamoDB Streams record of the Configuration table."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from strongroom.config_audit.domain.attribute_values import (
    AttributeValue,
    Item,
    check_attribute_value,
)
from strongroom.core.timefmt import from_epoch_seconds, iso_millis

ITEM_KEY_ATTRIBUTE = "key"
"""The Configuration table's hash key: its string value is the audit entries' ``itemKey``."""

WireItem = dict[str, Annotated[AttributeValue, AfterValidator(check_attribute_value)]]

EventName = Literal["INSERT", "MODIFY", "REMOVE"]

_REQUIRED_IMAGES: dict[str, tuple[str, ...]] = {
    "INSERT": ("new_image",),
    "MODIFY": ("old_image", "new_image"),
    "REMOVE": ("old_image",),
}


class StreamRecordBody(BaseModel):
    """The record's ``dynamodb`` member, images kept in wire form."""

    model_config = ConfigDict(frozen=True)

    approximate_creation_date_time: float = Field(
        alias="ApproximateCreationDateTime", ge=0, allow_inf_nan=False
    )
    keys: WireItem = Field(alias="Keys")
    sequence_number: str = Field(alias="SequenceNumber", min_length=1)
    new_image: WireItem | None = Field(default=None, alias="NewImage")
    old_image: WireItem | None = Field(default=None, alias="OldImage")


class ConfigurationChange(BaseModel):
    """A change to one Configuration item, as the stream reported it.

    Validate a Lambda event record with ``ConfigurationChange.model_validate(record)``: a
    record without the images its ``eventName`` implies, or whose ``key`` is not a
    non-empty string, is rejected with a ``pydantic.ValidationError`` naming the field.
    """

    model_config = ConfigDict(frozen=True)

    event_name: EventName = Field(alias="eventName")
    event_source_arn: str = Field(alias="eventSourceARN", min_length=1)
    body: StreamRecordBody = Field(alias="dynamodb")

    @model_validator(mode="after")
    def _check_key_and_images(self) -> Self:
        key = self.body.keys.get(ITEM_KEY_ATTRIBUTE)
        if key is None or not isinstance(key.get("S"), str) or not key["S"]:
            raise ValueError(f'Keys.{ITEM_KEY_ATTRIBUTE} must be a non-empty string ({{"S": ...}})')
        for image in _REQUIRED_IMAGES[self.event_name]:
            if getattr(self.body, image) is None:
                alias = StreamRecordBody.model_fields[image].alias
                raise ValueError(f"a {self.event_name} record needs dynamodb.{alias}")
        return self

    @property
    def item_key(self) -> str:
        key: str = self.body.keys[ITEM_KEY_ATTRIBUTE]["S"]
        return key

    @property
    def sequence_number(self) -> str:
        return self.body.sequence_number

    @property
    def modification_time(self) -> str:
        """When the change happened (the stream's timestamp, not processing time), ISO 8601 UTC."""
        return iso_millis(from_epoch_seconds(self.body.approximate_creation_date_time))

    @property
    def old_item(self) -> Item:
        return dict(self.body.old_image or {})

    @property
    def new_item(self) -> Item:
        return dict(self.body.new_image or {})
