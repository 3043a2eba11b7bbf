"""Pure audit logic: no AWS SDK here."""

from strongroom.config_audit.domain.attribute_values import AttributeValue, Item, same_value
from strongroom.config_audit.domain.audit import audit_entries
from strongroom.config_audit.domain.change import ConfigurationChange
from strongroom.config_audit.domain.entry import AuditEntry
from strongroom.config_audit.domain.entry_id import audit_entry_id

__all__ = [
    "AttributeValue",
    "AuditEntry",
    "ConfigurationChange",
    "Item",
    "audit_entries",
    "audit_entry_id",
    "same_value",
]
