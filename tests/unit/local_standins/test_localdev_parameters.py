"""The seam: parameter values name stand-ins' fields, the stack fills them in."""

from __future__ import annotations

from pathlib import Path

import pytest

from strongroom.core.localdev import LocalDev, UnknownStandIn, format_parameters
from strongroom.local.stack import parameter_stand_ins, system_declarations
from strongroom.local.standins import dex_api, mediant_db

STANDINS = {
    "partner_api": {"base_url": "http://127.0.0.1:4000", "token_url": "http://127.0.0.1:4000/t"},
    "crm_db": {"url": "sqlite:////tmp/crm.sqlite"},
}


def test_fields_of_stand_ins_are_filled_in_and_plain_values_stay() -> None:
    formatted = format_parameters(
        {
            "PartnerBaseUrl": "{partner_api[base_url]}",
            "Dsn": "db={crm_db[url]};timeout=5",
            "Image": "packer:local",
        },
        STANDINS,
    )

    assert formatted == {
        "PartnerBaseUrl": "http://127.0.0.1:4000",
        "Dsn": "db=sqlite:////tmp/crm.sqlite;timeout=5",
        "Image": "packer:local",
    }


def test_literal_braces_are_written_twice() -> None:
    assert format_parameters({"Json": '{{"a": 1}}'}, {}) == {"Json": '{"a": 1}'}


@pytest.mark.parametrize(
    "value",
    ["{nowhere[base_url]}", "{partner_api[missing]}", "{partner_api.base_url}", "{0}"],
)
def test_a_reference_to_no_running_stand_in_field_names_the_parameter(value: str) -> None:
    with pytest.raises(UnknownStandIn, match="parameter PartnerBaseUrl"):
        format_parameters({"PartnerBaseUrl": value}, STANDINS)


def test_a_malformed_format_names_the_parameter() -> None:
    with pytest.raises(UnknownStandIn, match="parameter Broken"):
        format_parameters({"Broken": "{partner_api[base_url]"}, STANDINS)


def test_the_stack_formats_every_declaration_before_merging() -> None:
    declarations = {
        "one": LocalDev(parameters={"PartnerBaseUrl": "{partner_api[base_url]}"}),
        "two": LocalDev(parameters={"PartnerBaseUrl": "http://127.0.0.1:4000"}),
    }

    merged = parameter_stand_ins(declarations, STANDINS)

    assert merged == {"PartnerBaseUrl": "http://127.0.0.1:4000"}


def test_every_installed_systems_parameters_refer_only_to_real_stand_in_fields() -> None:
    fields = {
        dex_api.NAME: dict.fromkeys(dex_api.FIELDS, "x"),
        mediant_db.NAME: mediant_db.describe(Path("/state/mediant.sqlite")),
    }

    for system, declaration in system_declarations().items():
        formatted = format_parameters(declaration.parameters, fields)
        assert set(formatted) == set(declaration.parameters), system


def test_deep_archive_values_have_no_braces_so_formatting_leaves_them_as_they_are() -> None:
    parameters = system_declarations()["deep_archive"].parameters

    assert format_parameters(parameters, {}) == dict(parameters)
