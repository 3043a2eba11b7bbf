"""The template's Glue tables are the catalog's IPEs, column for column, so Athena reads the
Parquet the function writes: a column added to a TOML file and not to its table fails here."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from strongroom.local.template.yaml_loader import load_template
from strongroom.sox_evidence.domain.catalog import catalog
from strongroom.sox_evidence.domain.schema import Column

TEMPLATE = Path(__file__).resolve().parents[3] / "src/strongroom/sox_evidence/template.yaml"


def glue_type(column: Column) -> str:
    """Athena's (Hive DDL) name of a catalog column type."""
    if column.type == "decimal":
        return f"decimal({column.precision},{column.scale})"
    return {"string": "string", "integer": "bigint", "date": "date", "timestamp": "timestamp"}[
        column.type
    ]


@cache  # the template is read once for every test here
def glue_tables() -> dict[str, dict[str, Any]]:
    resources = load_template(TEMPLATE)["Resources"]
    return {
        resource["Properties"]["TableInput"]["Name"]: resource["Properties"]["TableInput"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Glue::Table"
    }


def test_there_is_one_table_per_ipe_named_like_it() -> None:
    assert set(glue_tables()) == {ipe_id.lower() for ipe_id in catalog()}


@pytest.mark.parametrize("ipe_id", sorted(catalog()))
def test_each_tables_columns_are_the_catalogs_in_order(ipe_id: str) -> None:
    table = glue_tables()[ipe_id.lower()]
    definition = catalog()[ipe_id].definition

    declared = [
        (column["Name"], column["Type"]) for column in table["StorageDescriptor"]["Columns"]
    ]

    assert declared == [(column.name, glue_type(column)) for column in definition.columns]


@pytest.mark.parametrize("ipe_id", sorted(catalog()))
def test_each_table_reads_its_ipes_prefix_with_projected_partitions(ipe_id: str) -> None:
    table = glue_tables()[ipe_id.lower()]
    parameters = table["Parameters"]

    assert [key["Name"] for key in table["PartitionKeys"]] == ["cutoff_date", "run_id"]
    assert table["StorageDescriptor"]["Location"]["Fn::Sub"].endswith(f"/ipe/{ipe_id}/")
    assert parameters["storage.location.template"]["Fn::Sub"].endswith(
        f"/ipe/{ipe_id}/cutoff_date=${{!cutoff_date}}/run_id=${{!run_id}}/"
    )
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.cutoff_date.type"] == "date"
    assert parameters["projection.cutoff_date.format"] == "yyyy-MM-dd"
    assert parameters["projection.run_id.type"] == "injected"
