"""Resolving an archive request against its project: what is refused, and the defaults."""

from __future__ import annotations

from typing import Any

import pytest

from strongroom.deep_archive.domain.intake import (
    BYTES_PER_MB,
    DeploymentMismatch,
    ProjectNotRegistered,
    SourceNotRegistered,
    resolve,
)
from strongroom.deep_archive.domain.projects import SourceLocation
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.domain.storage import UnsupportedStorageClassError
from tests.unit.deep_archive_api.support import ACCOUNT, DEPLOYMENT, REGION, finance_project


def request(**changes: Any) -> ArchiveRequest:
    values: dict[str, Any] = {
        "project_name": "finance",
        "bucket_name": "finance-reports-src",
        "prefix": "daily/20261130",
    }
    values.update(changes)
    return ArchiveRequest(**values)


def test_a_request_naming_only_the_source_takes_the_projects_settings() -> None:
    settings = resolve(request(), finance_project(), DEPLOYMENT)

    assert settings.project == "finance"
    assert settings.bucket == "finance-reports-src"
    assert settings.prefix == "daily/20261130"
    assert settings.output_prefix == "finance-archive"
    assert settings.storage_class == "DEEP_ARCHIVE"
    assert settings.max_files == 50_000
    assert settings.max_bytes == 500 * 1_048_576
    assert settings.trigger == "api"
    assert settings.run_key == "finance#finance-reports-src#daily/20261130"


def test_the_request_overrides_the_projects_settings() -> None:
    settings = resolve(
        request(
            storage_class="GLACIER",
            output_prefix="finance-20261130",
            file_count=1_000,
            archive_size=2_048,
            expected_files=10,
            expected_bytes=1_000,
            delete_source=True,
            dry_run=True,
            workers=4,
        ),
        finance_project(),
        DEPLOYMENT,
        trigger="schedule",
    )

    assert (settings.storage_class, settings.output_prefix) == ("GLACIER", "finance-20261130")
    assert (settings.max_files, settings.max_bytes) == (1_000, 2_048 * 1_048_576)
    assert (settings.expected_files, settings.expected_bytes) == (10, 1_000)
    assert (settings.delete_source, settings.dry_run, settings.workers) == (True, True, 4)
    assert settings.trigger == "schedule"


@pytest.mark.parametrize(("megabytes", "expected"), [(1, 1_048_576), (500, 524_288_000)])
def test_archive_size_counts_binary_megabytes(megabytes: int, expected: int) -> None:
    settings = resolve(request(archive_size=megabytes), finance_project(), DEPLOYMENT)

    assert settings.max_bytes == expected == megabytes * BYTES_PER_MB


def test_the_projects_archive_size_is_in_binary_megabytes_too() -> None:
    settings = resolve(request(), finance_project(archive_size_mb=5), DEPLOYMENT)

    assert settings.max_bytes == 5 * 1_048_576


def test_without_an_output_prefix_anywhere_none_is_used() -> None:
    settings = resolve(request(output_prefix=""), finance_project(output_prefix=""), DEPLOYMENT)

    # Archive keys always start with the project's name (grouping.archive_key), never the root.
    assert settings.output_prefix == ""


def test_an_unknown_project_is_refused() -> None:
    with pytest.raises(ProjectNotRegistered, match="'finance' is not registered") as raised:
        resolve(request(), None, DEPLOYMENT)

    assert raised.value.project == "finance"


def test_a_project_of_another_name_does_not_authorize_the_request() -> None:
    with pytest.raises(ProjectNotRegistered):
        resolve(request(project_name="payroll"), finance_project(), DEPLOYMENT)


def test_another_bucket_is_refused_naming_what_the_project_registered() -> None:
    with pytest.raises(SourceNotRegistered) as raised:
        resolve(request(bucket_name="payroll-src"), finance_project(), DEPLOYMENT)

    error = raised.value
    assert (error.project, error.bucket, error.prefix) == (
        "finance",
        "payroll-src",
        "daily/20261130",
    )
    assert error.registered == (
        SourceLocation(bucket="finance-reports-src", prefixes=("daily/", "monthly/")),
    )
    assert "finance-reports-src (prefixes: 'daily/', 'monthly/')" in str(error)


@pytest.mark.parametrize("prefix", ["", "daily", "weekly/2026", "dailyx/"])
def test_a_prefix_outside_the_registered_ones_is_refused(prefix: str) -> None:
    with pytest.raises(SourceNotRegistered, match=f"prefix {prefix!r}"):
        resolve(request(prefix=prefix), finance_project(), DEPLOYMENT)


def test_a_project_registering_the_whole_bucket_allows_any_prefix() -> None:
    project = finance_project(sources=(SourceLocation(bucket="finance-reports-src"),))

    assert resolve(request(prefix=""), project, DEPLOYMENT).prefix == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"region": "us-east-1"}, "region"), ({"account": "210987654321"}, "account")],
)
def test_another_region_or_account_is_refused_naming_the_field(
    changes: dict[str, str], field: str
) -> None:
    with pytest.raises(DeploymentMismatch) as raised:
        resolve(request(**changes), finance_project(), DEPLOYMENT)

    assert raised.value.field == field
    assert raised.value.given == changes[field]


def test_this_deployments_region_and_account_are_accepted() -> None:
    settings = resolve(request(region=REGION, account=ACCOUNT), finance_project(), DEPLOYMENT)

    assert settings.bucket == "finance-reports-src"


def test_an_unknown_storage_class_is_refused_listing_the_allowed() -> None:
    with pytest.raises(UnsupportedStorageClassError) as raised:
        resolve(request(storage_class="deep_archive"), finance_project(), DEPLOYMENT)

    assert raised.value.given == "deep_archive"
    assert raised.value.allowed == ("DEEP_ARCHIVE", "GLACIER", "GLACIER_IR", "STANDARD_IA")


def test_registration_is_checked_before_how_the_request_asks() -> None:
    with pytest.raises(SourceNotRegistered):
        resolve(
            request(bucket_name="payroll-src", region="us-east-1", storage_class="TAPE"),
            finance_project(),
            DEPLOYMENT,
        )
