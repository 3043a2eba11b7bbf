"""The IPE catalog: the shipped definitions validate, and each rule refuses a bad one."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from strongroom.sox_evidence.domain import catalog
from strongroom.sox_evidence.domain.catalog import CatalogError, UnknownIpe, parse_definition


def shipped_text(ipe_id: str) -> str:
    folder = resources.files("strongroom.sox_evidence.domain.ipes")
    return (folder / f"{ipe_id.lower()}.toml").read_text(encoding="utf-8")


def definition_with(**changes: Any) -> dict[str, Any]:
    data = tomllib.loads(shipped_text("IPE_07"))
    data.update(changes)
    return data


def refuse(data: dict[str, Any]) -> str:
    with pytest.raises(ValueError, match=r".") as raised:
        catalog.IpeDefinition.model_validate(data)
    return str(raised.value)


def test_the_catalog_ships_three_pg01_ipes_with_money_as_decimals() -> None:
    entries = catalog.catalog()

    assert set(entries) == {"IPE_07", "CR_05", "IPE_08"}
    for entry in entries.values():
        ipe = entry.definition
        assert ipe.control == "PG-01"
        assert len(entry.sha256) == 64
        for name in ipe.control_totals:
            assert ipe.column(name).type == "decimal"


def test_selecting_names_keeps_the_order_asked_and_refuses_an_unknown_id() -> None:
    assert [e.definition.id for e in catalog.select(["IPE_08", "CR_05"])] == ["IPE_08", "CR_05"]
    assert len(catalog.select(None)) == 3
    with pytest.raises(UnknownIpe, match="IPE_99"):
        catalog.select(["IPE_99"])


@pytest.mark.parametrize(
    ("population", "rule"),
    [
        ("SELECT a FROM t WHERE d <= GETDATE()", "reads the clock"),
        ("SELECT a FROM t WHERE d <= CURRENT_TIMESTAMP", "reads the clock"),
        ("SELECT a FROM t WHERE d <= '{cutoff_date}'", "format placeholder"),
        ("SELECT a FROM t WHERE d <= %(cutoff_date)s", "format placeholder"),
        ("SELECT a FROM t WHERE d <= :as_of", "unknown parameters ['as_of']"),
        ("SELECT a FROM t; DROP TABLE t", "more than one statement"),
        ("SELECT a FROM t WHERE d <= :cutoff_date ORDER BY a", "no ORDER BY"),
    ],
)
def test_a_population_query_breaking_a_rule_is_refused_naming_it(
    population: str, rule: str
) -> None:
    assert rule in refuse(definition_with(population=population))


def test_control_totals_must_be_decimal_output_columns() -> None:
    assert "not decimal columns" in refuse(definition_with(control_totals=["customer_no"]))
    assert "not output columns" in refuse(definition_with(control_totals=["nowhere"]))


def test_key_and_order_columns_must_be_output_columns() -> None:
    data = definition_with(order_by=["missing_column"])
    assert "order_by" in refuse(data)
    data = definition_with()
    data["witness"]["key"] = ["missing_column"]
    assert "witness.key" in refuse(data)


def test_a_decimal_column_needs_precision_and_scale() -> None:
    data = definition_with()
    data["columns"][-1].pop("precision")
    assert "precision and scale" in refuse(data)


def test_the_file_name_must_match_the_id_and_ids_are_unique() -> None:
    text = shipped_text("IPE_07")
    with pytest.raises(CatalogError, match=r"must be named ipe_07\.toml"):
        parse_definition("ipe_7.toml", text)
    with pytest.raises(CatalogError, match="defined twice"):
        catalog.build_catalog([("ipe_07.toml", text), ("ipe_07.toml", text)])


def test_the_definition_hash_is_of_the_file_text() -> None:
    text = shipped_text("CR_05")
    assert parse_definition("cr_05.toml", text).sha256 == catalog.catalog()["CR_05"].sha256
    assert parse_definition("cr_05.toml", text + "\n").sha256 != catalog.catalog()["CR_05"].sha256
