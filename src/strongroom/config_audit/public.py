"""What code outside config_audit (the CLI, its local seed data) may import: nothing else of it.

The import contracts in .importlinter keep the rest of the package private to it.
"""

from __future__ import annotations

from strongroom.config_audit.adapters.dynamodb_store import DynamoDBAuditStore
from strongroom.config_audit.domain.entry import AuditEntry

__all__ = [
    "AuditEntry",
    "DynamoDBAuditStore",
]
