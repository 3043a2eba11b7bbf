"""Commands refuse bad options before reaching for the stack, the API or AWS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.cli.common import console


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["archive", *args])
    return result.exit_code, result.output


@pytest.fixture
def no_stack(tmp_path: Path) -> list[str]:
    """A state folder without endpoints.json: any attempt to use the stack fails loudly."""
    return ["--state-dir", str(tmp_path)]


def test_a_bad_project_name_is_refused_naming_the_argument(no_stack: list[str]) -> None:
    code, output = run(
        "project", "put", "Finance", "--source-bucket", "finance-src", "--prefix", "d/", *no_stack
    )

    assert code == 1
    assert "NAME:" in output
    assert "'Finance'" in output
    assert "strongroom up" not in output


def test_a_bad_storage_class_is_refused_listing_the_allowed(no_stack: list[str]) -> None:
    code, output = run(
        "project",
        "put",
        "finance",
        "--source-bucket",
        "finance-src",
        "--prefix",
        "d/",
        "--storage-class",
        "STANDARD",
        *no_stack,
    )

    assert code == 1
    assert "--storage-class:" in output
    assert "GLACIER_IR" in output


def test_a_project_needs_a_prefix(no_stack: list[str]) -> None:
    code, output = run("project", "put", "finance", "--source-bucket", "finance-src", *no_stack)

    assert code == 2
    assert "--prefix" in output


def test_a_valid_project_without_a_running_stack_says_to_start_it(no_stack: list[str]) -> None:
    code, output = run(
        "project", "put", "finance", "--source-bucket", "finance-src", "--prefix", "", *no_stack
    )

    assert code == 1
    assert "strongroom up" in output


def test_submit_refuses_bad_options_before_calling_the_api(no_stack: list[str]) -> None:
    code, output = run(
        "submit", "--project", "finance", "--bucket", "b-src", "--prefix", "d/", "--workers",
        "0", *no_stack,
    )  # fmt: skip

    assert code == 1
    assert "--workers:" in output
    assert "strongroom up" not in output


def test_submit_to_aws_needs_a_token(no_stack: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRONGROOM_TOKEN", raising=False)

    code, output = run(
        "submit", "--project", "finance", "--bucket", "b-src", "--prefix", "d/", "--api-url",
        "https://archive.example.com", *no_stack,
    )  # fmt: skip

    assert code == 1
    assert "STRONGROOM_TOKEN" in output


def test_status_without_a_running_stack_says_to_start_it(no_stack: list[str]) -> None:
    code, output = run("status", "3f1c2d3e-0000-4000-8000-000000000001", *no_stack)

    assert code == 1
    assert "strongroom up" in output


def test_estimate_refuses_bad_options_before_listing(no_stack: list[str]) -> None:
    code, output = run(
        "estimate", "--bucket", "b-src", "--prefix", "d/", "--archive-size", "0", *no_stack
    )

    assert code == 1
    assert "--archive-size:" in output


@pytest.fixture
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables printed whole, whatever terminal runs the tests."""
    monkeypatch.setattr(console, "width", 250)


@pytest.mark.usefixtures("wide_console")
def test_estimate_prices_a_hypothetical_inventory_without_a_stack(no_stack: list[str]) -> None:
    # The seed's scale, with the catalog the packer writes (the default)
    code, output = run("estimate", "--objects", "1000000000", "--size", "4096", *no_stack)

    assert code == 0, output
    assert "1,000,000,000 objects of 4,096 bytes" in output
    assert "20,000 archives" in output
    assert "catalog parquet" in output
    assert "Parquet manifests in STANDARD_IA / month" in output
    assert "byFileName" not in output
    assert "$50,000.00" in output  # lifecycle: one transition per object
    assert "packing is cheaper from the start" in output
    # issue 13's goal: at least 100x cheaper once and 20x a month
    ratios = re.search(r"([\d.]+)x once, ([\d.]+)x a month", output)
    assert ratios is not None, output
    assert float(ratios[1]) >= 100
    assert float(ratios[2]) >= 20


@pytest.mark.usefixtures("wide_console")
def test_estimate_prices_a_size_histogram(no_stack: list[str], tmp_path: Path) -> None:
    histogram = tmp_path / "sizes.csv"
    histogram.write_text("size_bytes,count\n1024,600\n1048576,400\n", encoding="utf-8")

    code, output = run(
        "estimate", "--histogram", str(histogram), "--catalog", "dynamodb", *no_stack
    )

    assert code == 0, output
    assert "1,000 objects" in output
    assert "index byFileName (projection ALL) / month" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--objects", "0", "--size", "4096"], "--objects:"),
        (["--objects", "10", "--size", "4096", "--catalog", "sqlite"], "--catalog: must be one of"),
        (["--objects", "10", "--size", "1", "--key-bytes", "0"], "--key-bytes:"),
        (["--objects", "10", "--size", "1", "--bucket", "b-src"], "give exactly one of"),
        ([], "give exactly one of"),
    ],
)
def test_estimate_refuses_a_bad_hypothetical(
    no_stack: list[str], args: list[str], message: str
) -> None:
    code, output = run("estimate", *args, *no_stack)

    assert code == 1
    assert message in output


def test_estimate_names_the_bad_histogram_line(no_stack: list[str], tmp_path: Path) -> None:
    histogram = tmp_path / "sizes.csv"
    histogram.write_text("1024,600\n1024,lots\n", encoding="utf-8")

    code, output = run("estimate", "--histogram", str(histogram), *no_stack)

    assert code == 1
    assert "histogram line 2" in output
