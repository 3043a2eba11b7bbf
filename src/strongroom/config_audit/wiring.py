"""The one place config_audit reads its environment and builds its adapters.

Each is built on first use (never at import) and cached for the life of the Lambda environment.
Handlers reach them through this module's attributes, so a test binds an in-memory fake with
``monkeypatch.setattr(wiring, "audit_store", lambda: fake)``.
"""

from __future__ import annotations

from functools import cache

from pydantic import Field

from strongroom.config_audit.adapters.audit_store import AuditStore
from strongroom.config_audit.adapters.dynamodb_store import DynamoDBAuditStore
from strongroom.core.settings import TABLE_NAME_PATTERN, EnvironmentSettings


class AuditTableSettings(EnvironmentSettings):
    """Where the audit entries go."""

    table_name: str = Field(alias="AUDIT_TABLE_NAME", pattern=TABLE_NAME_PATTERN)


@cache
def audit_store() -> AuditStore:
    return DynamoDBAuditStore(AuditTableSettings.from_environment().table_name)
