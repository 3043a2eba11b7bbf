"""Local stand-ins for the non-AWS parties systems talk to (a partner API, SQL Server).

``launcher.RunningStandIns`` starts them for the local stack; systems reach them only by name
through ``core.localdev`` (parameter format fields and ``SeedTarget.standins``), never by import.
"""
