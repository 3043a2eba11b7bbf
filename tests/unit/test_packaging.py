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
