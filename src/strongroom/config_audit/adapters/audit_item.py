"""An AuditEntry as an Audit table item in the seed's format, values in wire form.

``{"id", "itemKey", "modificationTime", "updatedAttribute"?, "oldValue"?, "newValue"?}``:
a side that does not exist is left out, never written as NULL (NULL is a value).
"""

from __future__ import annotations

from strongroom.config_audit.domain.attribute_values import Item
from strongroom.config_audit.domain.entry import AuditEntry

ID = "id"
ITEM_KEY = "itemKey"
MODIFICATION_TIME = "modificationTime"
UPDATED_ATTRIBUTE = "updatedAttribute"
OLD_VALUE = "oldValue"
NEW_VALUE = "newValue"


def to_audit_item(entry: AuditEntry) -> Item:
    item: Item = {
        ID: {"S": entry.id},
        ITEM_KEY: {"S": entry.item_key},
        MODIFICATION_TIME: {"S": entry.modification_time},
    }
    if entry.updated_attribute is not None:
        item[UPDATED_ATTRIBUTE] = {"S": entry.updated_attribute}
    if entry.old_value is not None:
        item[OLD_VALUE] = entry.old_value
    if entry.new_value is not None:
        item[NEW_VALUE] = entry.new_value
    return item


def from_audit_item(item: Item) -> AuditEntry:
    updated_attribute = item.get(UPDATED_ATTRIBUTE)
    return AuditEntry(
        id=_string(item, ID),
        item_key=_string(item, ITEM_KEY),
        modification_time=_string(item, MODIFICATION_TIME),
        updated_attribute=None if updated_attribute is None else _string(item, UPDATED_ATTRIBUTE),
        old_value=item.get(OLD_VALUE),
        new_value=item.get(NEW_VALUE),
    )


def _string(item: Item, name: str) -> str:
    value = item.get(name, {}).get("S")
    if not isinstance(value, str):
        raise ValueError(f"audit item {item.get(ID)!r}: {name} is not a string attribute")
    return value
