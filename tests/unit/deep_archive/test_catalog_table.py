"""The Glue table Athena reads the manifests through is the table the packer writes: same
columns (project is the partition), same prefix; the API function may query it and no more."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from strongroom.deep_archive.adapters.job_files import CATALOG_PREFIX, parquet_manifest_key
from strongroom.deep_archive.adapters.manifest_names import MANIFEST_TABLE
from strongroom.deep_archive.adapters.parquet_manifest import SCHEMA
from strongroom.deep_archive.localdev import LOCALDEV
from strongroom.local.template.yaml_loader import load_template

TEMPLATE = Path(__file__).resolve().parents[3] / "src/strongroom/deep_archive/template.yaml"
GLUE_TYPES = {
    pa.string(): "string",
    pa.int64(): "bigint",
    pa.timestamp("us", tz="UTC"): "timestamp",
}


@cache
def resources() -> dict[str, Any]:
    body: dict[str, Any] = load_template(TEMPLATE)
    return body["Resources"]


def test_the_glue_columns_are_the_manifest_schema_partitioned_by_project() -> None:
    table = resources()["ManifestsTable"]["Properties"]["TableInput"]
    assert table["Name"] == MANIFEST_TABLE
    columns = [(column["Name"], column["Type"]) for column in table["StorageDescriptor"]["Columns"]]
    written = [(field.name, GLUE_TYPES[field.type]) for field in SCHEMA if field.name != "project"]
    assert columns == written
    assert [key["Name"] for key in table["PartitionKeys"]] == ["project"]
    assert table["Parameters"]["projection.project.type"] == "injected"
    location = table["Parameters"]["storage.location.template"]["Fn::Sub"]
    assert location.endswith(f"/{CATALOG_PREFIX}/project=${{!project}}/")
    assert parquet_manifest_key("demo", "job-1", "x/demo/run/part-000007.zip") == (
        f"{CATALOG_PREFIX}/project=demo/job-1-part-000007.parquet"
    )


def test_the_workgroup_enforces_its_results_location_and_scan_cutoff() -> None:
    configuration = resources()["CatalogQueryWorkGroup"]["Properties"]["WorkGroupConfiguration"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert configuration["BytesScannedCutoffPerQuery"] == {"Ref": "CatalogQueryBytesScannedCutoff"}
    assert "CatalogQueryResultsBucket" in str(configuration["ResultConfiguration"])


def test_the_api_function_queries_only_its_workgroup_table_and_prefix() -> None:
    everything = resources()
    statements = {
        statement["Sid"]: statement
        for policy in everything["ApiRole"]["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    }
    athena = statements["QueryCatalogManifests"]
    assert sorted(athena["Action"]) == [
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
    ]
    assert "workgroup/${CatalogQueryWorkGroup}" in athena["Resource"]["Fn::Sub"]
    assert statements["ScanParquetManifests"]["Resource"]["Fn::Sub"].endswith("/_catalog/*")
    assert statements["ListParquetManifests"]["Condition"]["StringLike"]["s3:prefix"] == (
        "_catalog/*"
    )
    assert statements["LocateParquetManifests"]["Action"] == "s3:GetBucketLocation"
    variables = everything["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["PARQUET_QUERY_ENGINE"] == {"Ref": "ParquetQueryEngine"}
    assert variables["ATHENA_WORKGROUP"] == {"Ref": "CatalogQueryWorkGroup"}


def test_the_local_stack_answers_bare_names_with_duckdb() -> None:
    assert LOCALDEV.parameters["ParquetQueryEngine"] == "duckdb"
