"""Where audit entries are kept: the AuditStore port and its implementations."""

from strongroom.config_audit.adapters.audit_store import AuditStore
from strongroom.config_audit.adapters.dynamodb_store import DynamoDBAuditStore
from strongroom.config_audit.adapters.in_memory_audit_store import InMemoryAuditStore

__all__ = ["AuditStore", "DynamoDBAuditStore", "InMemoryAuditStore"]
