"""A job's session policy reaches its bucket and prefix only; the packer role reaches none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from strongroom.deep_archive.domain.job_records import JobSettings
from strongroom.deep_archive.domain.source_policy import (
    MAX_SESSION_POLICY_CHARACTERS,
    PolicyTooLargeError,
    packed_policy,
    source_access_policy,
)
from strongroom.local.template.yaml_loader import load_template

TEMPLATE = Path(__file__).resolve().parents[3] / "src/strongroom/deep_archive/template.yaml"


def settings(**changes: Any) -> JobSettings:
    values: dict[str, Any] = {
        "project": "finance",
        "bucket": "finance-reports-src",
        "prefix": "daily/202611",
        "output_prefix": "",
        "storage_class": "DEEP_ARCHIVE",
        "max_files": 100,
        "max_bytes": 1_000_000,
    }
    return JobSettings(**(values | changes))


def test_the_policy_lists_reads_and_deletes_only_under_the_jobs_prefix() -> None:
    policy = source_access_policy(settings())

    assert policy["Statement"] == [
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::finance-reports-src",
            "Condition": {"StringLike": {"s3:prefix": ["daily/202611*"]}},
        },
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject"],
            "Resource": "arn:aws:s3:::finance-reports-src/daily/202611*",
        },
    ]


def test_an_inventory_listing_adds_read_access_to_the_reports_bucket_only() -> None:
    policy = source_access_policy(
        settings(inventory_manifest="s3://inventories/finance-reports-src/all/2026/manifest.json"),
        partition="aws-cn",
    )

    assert policy["Statement"][-1] == {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws-cn:s3:::inventories/*",
    }
    assert all("aws-cn" in json.dumps(statement) for statement in policy["Statement"])


def test_a_policy_sts_would_refuse_is_refused_naming_the_limit() -> None:
    with pytest.raises(PolicyTooLargeError, match=str(MAX_SESSION_POLICY_CHARACTERS)):
        packed_policy(settings(prefix="p" * 1000))

    assert len(packed_policy(settings())) < MAX_SESSION_POLICY_CHARACTERS


def test_the_packer_role_reaches_sources_only_by_assuming_the_source_reader_role() -> None:
    resources = load_template(TEMPLATE)["Resources"]
    statements = resources["PackerJobRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    source_arns = {"Ref": "SourceBucketArns"}
    assert all(source_arns != statement["Resource"] for statement in statements)
    assert all("SourceBucketArns" not in json.dumps(statement) for statement in statements)
    (assume,) = [s for s in statements if s["Action"] == "sts:AssumeRole"]
    reader = resources["SourceReaderRole"]["Properties"]
    assert reader["RoleName"]["Fn::Sub"] in assume["Resource"]["Fn::Sub"]
    trusted = reader["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"]
    assert trusted == {"Fn::GetAtt": ["PackerJobRole", "Arn"]}
    environment = {
        pair["Name"]: pair["Value"]
        for pair in resources["PackerJobDefinition"]["Properties"]["ContainerProperties"][
            "Environment"
        ]
    }
    assert environment["SOURCE_READER_ROLE_ARN"] == {"Fn::GetAtt": ["SourceReaderRole", "Arn"]}
