"""From a Configuration change to its audit entries."""

from __future__ import annotations

from strongroom.config_audit.domain.attribute_values import AttributeValue, same_value
from strongroom.config_audit.domain.change import ConfigurationChange
from strongroom.config_audit.domain.entry import AuditEntry
from strongroom.config_audit.domain.entry_id import audit_entry_id


def audit_entries(change: ConfigurationChange) -> list[AuditEntry]:
    """The entries recording ``change``.

    INSERT and REMOVE give one entry holding the whole item. MODIFY gives one entry per
    top-level attribute whose value changed (added and removed attributes included, a change
    nested in a map or list counts for its top-level attribute), in attribute-name order; a
    MODIFY that changes nothing gives none.
    """
    match change.event_name:
        case "INSERT":
            return [_whole_item_entry(change, new_value={"M": change.new_item})]
        case "REMOVE":
            return [_whole_item_entry(change, old_value={"M": change.old_item})]
        case "MODIFY":
            return _attribute_entries(change)


def _whole_item_entry(
    change: ConfigurationChange,
    *,
    old_value: AttributeValue | None = None,
    new_value: AttributeValue | None = None,
) -> AuditEntry:
    return AuditEntry(
        id=audit_entry_id(change.event_source_arn, change.sequence_number, None),
        item_key=change.item_key,
        modification_time=change.modification_time,
        old_value=old_value,
        new_value=new_value,
    )


def _attribute_entries(change: ConfigurationChange) -> list[AuditEntry]:
    old, new = change.old_item, change.new_item
    return [
        AuditEntry(
            id=audit_entry_id(change.event_source_arn, change.sequence_number, name),
            item_key=change.item_key,
            modification_time=change.modification_time,
            updated_attribute=name,
            old_value=old.get(name),
            new_value=new.get(name),
        )
        for name in sorted(old.keys() | new.keys())
        if not same_value(old.get(name), new.get(name))
    ]
