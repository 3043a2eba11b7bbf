"""Where audit entries are kept: the AuditStore port and its implementations."""
