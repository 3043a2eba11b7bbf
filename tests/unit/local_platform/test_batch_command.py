"""Batch's command and environment rules, applied to a local process."""

from __future__ import annotations

import sys

import pytest

from strongroom.local.batch.command import local_argv, pairs_to_environment, substitute_parameters
from strongroom.local.provision.batch import camel_case


def test_ref_placeholders_take_parameter_values_and_unknown_ones_stay() -> None:
    command = ["python", "-m", "job", "Ref::project", "--period=Ref::period", "Ref::missing"]

    assert substitute_parameters(command, {"project": "acme", "period": "2026-10"}) == [
        "python",
        "-m",
        "job",
        "acme",
        "--period=2026-10",
        "Ref::missing",
    ]


@pytest.mark.parametrize("python", ["python", "python3", "python3.12"])
def test_the_images_python_is_this_interpreter(python: str) -> None:
    assert local_argv([python, "-m", "job"]) == [sys.executable, "-m", "job"]


def test_other_commands_run_as_written_and_an_empty_one_is_refused() -> None:
    assert local_argv(["strongroom", "archive"]) == ["strongroom", "archive"]
    with pytest.raises(ValueError, match="the job has no command"):
        local_argv([])


def test_environment_pairs_become_a_mapping() -> None:
    assert pairs_to_environment([{"name": "A", "value": "1"}, {"name": "B", "value": ""}]) == {
        "A": "1",
        "B": "",
    }
    assert pairs_to_environment(None) == {}


def test_cloudformation_fields_become_api_fields_but_user_keys_are_kept() -> None:
    properties = {
        "Command": ["python"],
        "ResourceRequirements": [{"Type": "VCPU", "Value": "1"}],
        "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": "g"}},
        "Parameters": {"MixedCase": "x"},
    }

    assert camel_case(properties) == {
        "command": ["python"],
        "resourceRequirements": [{"type": "VCPU", "value": "1"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g"}},
        "parameters": {"MixedCase": "x"},
    }
