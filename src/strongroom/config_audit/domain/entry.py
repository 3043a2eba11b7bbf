"""An audit entry: one row of the Audit table, in the seed's format."""

from __future__ import annotations

from dataclasses import dataclass

from strongroom.config_audit.domain.attribute_values import AttributeValue


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What changed, on which item, when.

    INSERT: ``new_value`` is the whole new item (a map). REMOVE: ``old_value`` is the whole
    removed item. MODIFY: ``updated_attribute`` names one top-level attribute; a side is
    ``None`` when the attribute was added (no old value) or removed (no new value).
    """

    id: str
    item_key: str
    modification_time: str
    updated_attribute: str | None = None
    old_value: AttributeValue | None = None
    new_value: AttributeValue | None = None
