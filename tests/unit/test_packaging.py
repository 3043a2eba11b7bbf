"""The Lambda bundle installs exactly the runtime dependencies, nothing from the local stack."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROVIDED_BY_LAMBDA = {"boto3"}


def _requirement_lines(path: Path) -> set[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def test_lambda_requirements_match_the_runtime_dependencies() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = {
        requirement
        for requirement in project["dependencies"]
        if requirement.split(">")[0].split("=")[0].split("[")[0] not in PROVIDED_BY_LAMBDA
    }

    assert _requirement_lines(REPO / "src" / "requirements.txt") == runtime


def test_no_local_or_dev_dependency_reaches_the_bundle() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    local_names = {item.split(">")[0].split("[")[0] for item in extras["local"] + extras["dev"]}
    bundle = {
        item.split(">")[0].split("[")[0]
        for item in _requirement_lines(REPO / "src" / "requirements.txt")
    }

    assert not bundle & local_names


SYSTEM_REQUIREMENTS = sorted((REPO / "src" / "strongroom").glob("*/requirements.txt"))


def test_trigger_archive_has_its_own_requirements() -> None:
    assert REPO / "src" / "strongroom" / "trigger_archive" / "requirements.txt" in (
        SYSTEM_REQUIREMENTS
    )


def test_a_systems_requirements_match_the_extra_named_after_it() -> None:
    """A system's bundle installs src/strongroom/<system>/requirements.txt on top of the shared
    ones (src/Makefile); the extra of the same name installs the same for development."""
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    for path in SYSTEM_REQUIREMENTS:
        system = path.parent.name
        assert system in extras, f"pyproject.toml has no `{system}` extra for {path}"
        assert _requirement_lines(path) == set(extras[system]), system


def test_local_and_dev_environments_install_every_systems_extra() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    for path in SYSTEM_REQUIREMENTS:
        for environment in ("local", "dev"):
            assert f"strongroom[{path.parent.name}]" in extras[environment], environment


def test_no_dev_only_dependency_reaches_a_systems_bundle() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    dev_only = {item.split(">")[0].split("[")[0] for item in extras["dev"]} - {"strongroom"}
    for path in SYSTEM_REQUIREMENTS:
        names = {
            line.split(">")[0].split("=")[0].split("[")[0] for line in _requirement_lines(path)
        }
        assert not names & dev_only, path
