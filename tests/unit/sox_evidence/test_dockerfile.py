"""The container IPE image cannot be built here (no Docker engine): its Dockerfile is read."""

from __future__ import annotations

import re
from pathlib import Path

from strongroom.local.template.yaml_loader import load_template

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "src" / "strongroom" / "sox_evidence"
RESOURCES = load_template(PACKAGE / "template.yaml")["Resources"]


def _instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", (PACKAGE / "Dockerfile").read_text())
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_base_image_is_the_functions_python_slim() -> None:
    bases = {argument.split()[0] for name, argument in _instructions() if name == "FROM"}
    runtime = RESOURCES["Pg01Function"]["Properties"]["Runtime"]
    assert bases == {f"{runtime.replace('python', 'python:')}-slim"}


def test_it_installs_the_functions_requirements_from_wheels_as_a_non_root_user() -> None:
    runs = " ".join(argument for name, argument in _instructions() if name == "RUN")
    copies = " ".join(argument for name, argument in _instructions() if name == "COPY")
    assert "src/requirements.txt" in copies
    assert "src/strongroom/sox_evidence/requirements.txt" in copies
    assert "pip install --only-binary=:all: --requirement requirements.txt" in runs
    assert "--requirement sox_evidence-requirements.txt" in runs
    names = [name for name, _ in _instructions()]
    (user,) = [argument for name, argument in _instructions() if name == "USER"]
    assert user not in {"root", "0"}
    assert names.index("USER") > len(names) - 1 - names[::-1].index("RUN")


def test_the_image_holds_core_and_sox_evidence_only_like_the_functions_bundle() -> None:
    copies = [argument.split() for name, argument in _instructions() if name == "COPY"]
    code = {sources[0] for *sources, target in copies if target.startswith("strongroom")}
    assert code == {
        "src/strongroom/__init__.py",
        "src/strongroom/core",
        "src/strongroom/sox_evidence",
        "--from=code",
    }
    (cleanup,) = [argument for name, argument in _instructions() if "find strongroom" in argument]
    for never_shipped in ("__pycache__", "localdev.py", "template.yaml", "Dockerfile"):
        assert f"-name {never_shipped}" in cleanup


def test_the_job_definition_runs_a_module_the_image_contains_with_the_functions_settings() -> None:
    definition = RESOURCES["IpeJobDefinition"]["Properties"]
    command = definition["ContainerProperties"]["Command"]
    module = command[command.index("-m") + 1]
    assert (REPO / "src" / Path(*module.split("."))).with_suffix(".py").is_file()
    job_environment = {item["Name"] for item in definition["ContainerProperties"]["Environment"]}
    function_environment = set(RESOURCES["Pg01Function"]["Properties"]["Environment"]["Variables"])
    assert job_environment == function_environment - {"JOB_QUEUE_ARN", "JOB_DEFINITION_ARN"}
    assert [argument.removeprefix("Ref::") for argument in command[3:]] == list(
        definition["Parameters"]
    )
    assert definition["PlatformCapabilities"] == ["FARGATE"]
