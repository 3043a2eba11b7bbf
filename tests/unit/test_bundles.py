"""One bundle per system: each function's package holds core and its own system, nothing else.

The bundles are built the way `sam build` builds them (decision 0006): src/ is copied to a scratch
folder and src/Makefile's `build-<FunctionLogicalId>` runs there with ARTIFACTS_DIR set. Unit tests
are offline, so the pip step is switched off (INSTALL_REQUIREMENTS=no) and the third-party
libraries come from this virtual environment instead, limited to the runtime requirements.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from strongroom.local.template.yaml_loader import load_template

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
MAKEFILE = SRC / "Makefile"
SYSTEM_TEMPLATES = sorted((SRC / "strongroom").glob("*/template.yaml"))
NEVER_SHIPPED = {
    "local",
    "cli",
    "demo",
    "tests",
    "conftest.py",
    "localdev.py",
    "template.yaml",
    "Dockerfile",
    "requirements.txt",
}
PROVIDED_BY_LAMBDA = ("boto3",)
LAMBDA_PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}


@dataclass(frozen=True)
class Function:
    template: Path
    logical_id: str
    resource: dict[str, Any]
    defaults: dict[str, Any]
    """The template's ``Globals.Function``: SAM gives them to every function."""

    @property
    def system(self) -> str:
        return self.template.parent.name

    @property
    def properties(self) -> dict[str, Any]:
        return {**self.defaults, **self.resource["Properties"]}


def _functions(template: Path) -> list[Function]:
    body = load_template(template)
    defaults = body.get("Globals", {}).get("Function", {})
    return [
        Function(template, logical_id, resource, defaults)
        for logical_id, resource in body["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    ]


FUNCTIONS = [function for template in SYSTEM_TEMPLATES for function in _functions(template)]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What SAM's makefile builder works in: a copy of CodeUri (src/) without .aws-sam and .git."""
    copy = tmp_path_factory.mktemp("scratch") / "src"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns(".aws-sam", ".git"))
    return copy


def _build(scratch: Path, function: Function, artifacts: Path) -> Path:
    build = subprocess.run(
        ["make", "--makefile", str(MAKEFILE), f"build-{function.logical_id}"],
        cwd=scratch,
        env={**os.environ, "ARTIFACTS_DIR": str(artifacts), "INSTALL_REQUIREMENTS": "no"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    return artifacts


def test_every_function_is_built_by_the_makefile_from_src() -> None:
    assert FUNCTIONS
    assert not _functions(REPO / "template.yaml"), "the root template only nests the systems"
    for function in FUNCTIONS:
        code_uri = (function.template.parent / function.properties["CodeUri"]).resolve()
        assert function.resource.get("Metadata", {}).get("BuildMethod") == "makefile"
        assert code_uri == SRC, f"{function.logical_id}: SAM looks for the Makefile in CodeUri"


def test_logical_ids_are_unique_across_systems_since_they_name_the_make_targets() -> None:
    logical_ids = [function.logical_id for function in FUNCTIONS]
    assert len(logical_ids) == len(set(logical_ids))


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.logical_id)
def test_the_bundle_holds_core_and_the_functions_own_system_only(
    scratch: Path, tmp_path: Path, function: Function
) -> None:
    bundle = _build(scratch, function, tmp_path / "bundle")

    assert sorted(path.name for path in bundle.iterdir()) == ["strongroom"]
    assert sorted(path.name for path in (bundle / "strongroom").iterdir()) == sorted(
        ["__init__.py", "core", function.system]
    )
    shipped = [path.relative_to(bundle) for path in bundle.rglob("*")]
    assert not [path for path in shipped if NEVER_SHIPPED & set(path.parts)]
    assert not [path for path in shipped if "__pycache__" in path.parts]
    assert not [path for path in shipped if path.name.startswith("test_")]
    assert (bundle / "strongroom" / function.system / "__init__.py").is_file()


def _requirement_lines(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _with_dependencies(requirements: list[str]) -> set[str]:
    """The distributions these requirements install, with all they depend on."""
    pending = [Requirement(line) for line in requirements]
    found: set[str] = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found.add(name)
        for line in metadata.requires(name) or []:
            dependency = Requirement(line)
            if dependency.marker is None or dependency.marker.evaluate({"extra": ""}):
                pending.append(dependency)
    return found


def _site_packages_of(folder: Path, requirements: list[str]) -> Path:
    """This environment's site-packages seen through these requirements only, so that importing
    anything else fails as it would on Lambda (or in the packer image)."""
    folder.mkdir(exist_ok=True)
    for name in _with_dependencies(requirements):
        distribution = metadata.distribution(name)
        for top in {file.parts[0] for file in distribution.files or [] if ".." not in file.parts}:
            if not (folder / top).exists():
                (folder / top).symlink_to(Path(str(distribution.locate_file(top))))
    return folder


def _bundle_requirements(system: str) -> list[str]:
    """What src/Makefile installs for a system's functions: the shared requirements and the
    system's own requirements.txt, where it has one."""
    own = SRC / "strongroom" / system / "requirements.txt"
    return [
        *_requirement_lines(SRC / "requirements.txt"),
        *(_requirement_lines(own) if own.is_file() else []),
    ]


SitePackagesFor = Callable[[str], Path]


@pytest.fixture(scope="module")
def lambda_site_packages(tmp_path_factory: pytest.TempPathFactory) -> SitePackagesFor:
    """Per system: what pip installs into its bundles, plus boto3 which the Lambda runtime
    provides."""
    built: dict[str, Path] = {}

    def for_system(system: str) -> Path:
        if system not in built:
            requirements = [*_bundle_requirements(system), *PROVIDED_BY_LAMBDA]
            folder = tmp_path_factory.mktemp(f"lambda-site-packages-{system}")
            built[system] = _site_packages_of(folder, requirements)
        return built[system]

    return for_system


# Run with `python -S` (no site: the editable install's .pth is not read), so only PYTHONPATH
# counts: the bundle, then the requirements' libraries.
_IMPORT_PROBE = """
import importlib, json, socket, sys

def _offline(*args, **kwargs):
    raise OSError("importing an entry point must not touch the network")

socket.socket.connect = _offline
module_name, attribute = sys.argv[1], sys.argv[2]
entry_point = getattr(importlib.import_module(module_name), attribute)
assert callable(entry_point), f"{module_name}.{attribute} is not callable"
print(json.dumps({  # a namespace package (no __init__.py) has a __path__ but no __file__
    name: getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", [])), None)
    for name, module in list(sys.modules.items())
    if name.split(".")[0] == "strongroom"
}))
"""


def _assert_imports_from_bundle_alone(
    bundle: Path, site_packages: Path, module: str, attribute: str
) -> None:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("PYTHON")
    }
    probe = subprocess.run(
        [sys.executable, "-S", "-B", "-c", _IMPORT_PROBE, module, attribute],
        cwd=bundle,
        env={**environment, "PYTHONPATH": os.pathsep.join([str(bundle), str(site_packages)])},
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    loaded: dict[str, str | None] = json.loads(probe.stdout)

    assert module in loaded
    outside = {
        name: file
        for name, file in loaded.items()
        if file is None or not Path(file).resolve().is_relative_to(bundle.resolve())
    }
    assert not outside, f"{module} loads strongroom modules from outside its bundle"


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.logical_id)
def test_the_handler_imports_from_its_bundle_alone(
    scratch: Path, tmp_path: Path, lambda_site_packages: SitePackagesFor, function: Function
) -> None:
    bundle = _build(scratch, function, tmp_path / "bundle")
    module, attribute = function.properties["Handler"].rsplit(".", 1)
    site_packages = lambda_site_packages(function.system)
    _assert_imports_from_bundle_alone(bundle, site_packages, module, attribute)


# What a function imports only when first asked for it (wiring builds its ports lazily, so
# pyarrow loads in the functions that resolve restores, not at every start): (module, attribute).
LAZY_IMPORTS = {
    "ApiFunction": [
        ("strongroom.deep_archive.adapters.manifest_catalog", "ManifestCatalog"),
        ("strongroom.deep_archive.adapters.parquet_manifest", "entries_under_prefix"),
    ],
}


@pytest.mark.parametrize(
    ("logical_id", "module", "attribute"),
    [(name, *imported) for name, imports in LAZY_IMPORTS.items() for imported in imports],
)
def test_what_a_function_imports_lazily_imports_from_its_bundle_alone(
    scratch: Path,
    tmp_path: Path,
    lambda_site_packages: SitePackagesFor,
    logical_id: str,
    module: str,
    attribute: str,
) -> None:
    (function,) = [function for function in FUNCTIONS if function.logical_id == logical_id]
    bundle = _build(scratch, function, tmp_path / "bundle")
    site_packages = lambda_site_packages(function.system)
    _assert_imports_from_bundle_alone(bundle, site_packages, module, attribute)


def _job_modules() -> list[tuple[str, str]]:
    """(system, module) of every Batch job definition that runs `python -m <module>`."""
    found = []
    for template in SYSTEM_TEMPLATES:
        for resource in load_template(template)["Resources"].values():
            if resource["Type"] == "AWS::Batch::JobDefinition":
                command = resource["Properties"]["ContainerProperties"]["Command"]
                found.append((template.parent.name, command[command.index("-m") + 1]))
    return found


# The extra each system's job image installs beside its bundle's requirements.
JOB_IMAGE_EXTRAS = {"deep_archive": "packer", "sox_evidence": "sox_evidence"}


@pytest.mark.parametrize(("system", "module"), _job_modules())
def test_a_batch_job_imports_from_its_systems_bundle_and_its_image_extra(
    scratch: Path, tmp_path: Path, system: str, module: str
) -> None:
    """A job image copies what a bundle holds (tests/unit/<system>/test_dockerfile.py)."""
    (function, *_) = [function for function in FUNCTIONS if function.system == system]
    bundle = _build(scratch, function, tmp_path / "bundle")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = [
        *_requirement_lines(SRC / "requirements.txt"),
        *PROVIDED_BY_LAMBDA,
        *project["optional-dependencies"][JOB_IMAGE_EXTRAS[system]],
    ]
    site_packages = _site_packages_of(tmp_path / "site-packages", requirements)
    _assert_imports_from_bundle_alone(bundle, site_packages, module, "main")


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.logical_id)
def test_requirements_are_installed_for_the_functions_runtime_and_architecture(
    function: Function,
) -> None:
    (architecture,) = function.properties.get("Architectures", ["x86_64"])
    python = re.fullmatch(r"python(\d+\.\d+)", function.properties["Runtime"])
    assert python, function.properties["Runtime"]
    dry_run = subprocess.run(
        ["make", "--dry-run", "--makefile", str(MAKEFILE), f"build-{function.logical_id}"],
        cwd=SRC,
        env={**os.environ, "ARTIFACTS_DIR": "/bundle"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pip = " ".join(dry_run.replace("\\\n", " ").replace('"', "").split())

    assert "pip install" in pip
    assert "--requirement requirements.txt --target /bundle" in pip
    assert f"--platform {LAMBDA_PLATFORMS[architecture]}" in pip
    assert f"--python-version {python.group(1)}" in pip
    assert "--only-binary=:all:" in pip
    own = SRC / "strongroom" / function.system / "requirements.txt"
    if own.is_file():
        assert f"--requirement strongroom/{function.system}/requirements.txt" in pip
    else:
        assert pip.count("--requirement") == 1
