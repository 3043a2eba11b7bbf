"""Glue databases and tables and Athena workgroups: the catalog that Athena queries on AWS.

Athena itself is not emulated (queries run through DuckDB locally), but the catalog and the
workgroup exist as the template declares them, so their configuration can be read back and
checked like any other resource's.
"""

from __future__ import annotations

from typing import Any

from strongroom.local.provision.model import (
    ClientFactory,
    ProvisionContext,
    ProvisionedResource,
    answers,
)

# WorkGroupConfiguration values CloudFormation passes as strings but the API wants as numbers.
_NUMERIC_SETTINGS = ("BytesScannedCutoffPerQuery",)


class GlueDatabase:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        database = dict(properties["DatabaseInput"])
        database.setdefault("Name", context.physical_name(logical_id, max_length=255, lower=True))
        context.clients("glue").create_database(DatabaseInput=database)
        return context.resource(logical_id, "AWS::Glue::Database", database["Name"])

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("glue").get_database(Name=resource.physical_id))


class GlueTable:
    """Ref is the table's name, as CloudFormation's; the physical id is ``database.table``."""

    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        table = dict(properties["TableInput"])
        table.setdefault("Name", context.physical_name(logical_id, max_length=255, lower=True))
        database = str(properties["DatabaseName"])
        context.clients("glue").create_table(DatabaseName=database, TableInput=table)
        return context.resource(
            logical_id, "AWS::Glue::Table", f"{database}.{table['Name']}", ref=table["Name"]
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        database, _, table = resource.physical_id.partition(".")
        return answers(lambda: clients("glue").get_table(DatabaseName=database, Name=table))


class AthenaWorkGroup:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("Name") or context.physical_name(logical_id, max_length=128)
        configuration = dict(properties.get("WorkGroupConfiguration") or {})
        for setting in _NUMERIC_SETTINGS:
            if setting in configuration:
                configuration[setting] = int(configuration[setting])
        request: dict[str, Any] = {"Name": name, "Configuration": configuration}
        if properties.get("Description"):
            request["Description"] = properties["Description"]
        if properties.get("Tags"):
            request["Tags"] = properties["Tags"]
        context.clients("athena").create_work_group(**request)
        return context.resource(logical_id, "AWS::Athena::WorkGroup", name)

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("athena").get_work_group(WorkGroup=resource.physical_id))
