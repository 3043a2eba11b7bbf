"""The packer image cannot be built here (no Docker engine): its Dockerfile is checked as text."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from strongroom.local.template.yaml_loader import load_template

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "src" / "strongroom" / "deep_archive"
DOCKERFILE = PACKAGE / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_base_image_is_the_lambda_runtimes_python_slim_and_pinned_to_a_minor() -> None:
    bases = {argument.split()[0] for name, argument in _instructions() if name == "FROM"}
    runtime = load_template(PACKAGE / "template.yaml")["Globals"]["Function"]
    assert bases == {f"{runtime['Runtime'].replace('python', 'python:')}-slim"}


def test_the_image_runs_as_a_non_root_user_declared_after_installing() -> None:
    names = [name for name, _ in _instructions()]
    (user,) = [argument for name, argument in _instructions() if name == "USER"]
    assert user not in {"root", "0"}
    assert names.index("USER") > len(names) - 1 - names[::-1].index("RUN")


def test_it_installs_the_runtime_requirements_boto3_and_the_packer_extra() -> None:
    runs = " ".join(argument for name, argument in _instructions() if name == "RUN")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    (boto3,) = [item for item in project["dependencies"] if item.startswith("boto3")]
    packer = project["optional-dependencies"]["packer"]
    assert "pip install --requirement requirements.txt" in runs
    for requirement in [boto3, *packer]:
        assert f'"{requirement}"' in runs, requirement
    assert any(requirement.startswith("obstore") for requirement in packer)


def test_the_image_holds_core_and_deep_archive_only_like_a_lambda_bundle() -> None:
    copies = [argument.split() for name, argument in _instructions() if name == "COPY"]
    from_context = {
        source
        for *sources, _ in copies
        if not sources[0].startswith("--from")
        for source in sources
    }
    assert from_context == {
        "src/requirements.txt",
        "src/strongroom/__init__.py",
        "src/strongroom/core",
        "src/strongroom/deep_archive",
    }
    (cleanup,) = [argument for name, argument in _instructions() if "find strongroom" in argument]
    for never_shipped in ("__pycache__", "localdev.py", "template.yaml", "Dockerfile"):
        assert f"-name {never_shipped}" in cleanup
    assert ["--from=code", "/code/strongroom", "strongroom"] in copies


def test_nothing_is_fetched_from_a_url_and_no_secret_is_baked_in() -> None:
    for name, argument in _instructions():
        assert name != "ADD", "COPY local files; ADD can fetch URLs and unpack archives"
        assert not re.search(r"(?i)(secret|password|token|aws_access_key)", argument), argument


def test_the_job_definition_runs_the_module_the_image_contains() -> None:
    definition = load_template(PACKAGE / "template.yaml")["Resources"]["PackerJobDefinition"]
    command = definition["Properties"]["ContainerProperties"]["Command"]
    module = command[command.index("-m") + 1]
    assert module.startswith("strongroom.deep_archive.")
    assert (REPO / "src" / Path(*module.split("."))).with_suffix(".py").is_file()
    environment = " ".join(argument for name, argument in _instructions() if name == "ENV")
    assert "PYTHONPATH=/opt/strongroom" in environment
