"""The local stack finds each system's local development data through entry points alone."""

from __future__ import annotations

from pathlib import Path

import pytest

import strongroom
from strongroom.core.localdev import LocalDev
from strongroom.deep_archive.localdev import DEMO_BUCKET, LOCALDEV
from strongroom.local.stack import parameter_stand_ins, system_declarations

PACKAGE = Path(strongroom.__file__).parent


def test_every_system_with_a_localdev_module_registers_it() -> None:
    modules = {path.parent.name for path in PACKAGE.glob("*/localdev.py")} - {"core"}

    assert modules
    assert set(system_declarations()) == modules


def test_deep_archive_declares_its_aws_only_parameters() -> None:
    declaration = system_declarations()["deep_archive"]

    assert declaration is LOCALDEV
    assert declaration.seed is not None
    assert set(declaration.parameters) == {
        "PackerImage",
        "SubnetIds",
        "SecurityGroupIds",
        "SourceBucketArns",
        "RestoreTopicArns",
        "ParquetQueryEngine",
    }
    assert declaration.parameters["ParquetQueryEngine"] == "duckdb"
    assert declaration.parameters["SourceBucketArns"] == f"arn:aws:s3:::{DEMO_BUCKET}"


def test_stand_ins_of_all_systems_are_merged() -> None:
    merged = parameter_stand_ins(
        {"one": LocalDev(parameters={"A": "1"}), "two": LocalDev(parameters={"A": "1", "B": "2"})}
    )

    assert merged == {"A": "1", "B": "2"}


def test_two_systems_disagreeing_on_a_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="gives parameter A"):
        parameter_stand_ins(
            {"one": LocalDev(parameters={"A": "1"}), "two": LocalDev(parameters={"A": "2"})}
        )
