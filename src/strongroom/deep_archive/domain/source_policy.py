"""The session policy that narrows one packer job's source access to its bucket and prefix.

The packer's own role holds no source permissions: it may only assume the source-reader role,
which can read (and delete) objects in the buckets the deployment allows (``SourceBucketArns``).
Each job assumes it with this session policy, and IAM grants the intersection of the two, so a
job's credentials reach only the prefix it was asked to archive (which the API already checked
against the project's registration) and, when it lists from an S3 Inventory report, that
report's folder.
"""

from __future__ import annotations

import json
from typing import Any

from strongroom.deep_archive.domain.job_records import JobSettings

# STS accepts a packed session policy of at most 2,048 characters; keep a margin.
MAX_SESSION_POLICY_CHARACTERS = 2_000


class PolicyTooLargeError(ValueError):
    pass


def source_access_policy(settings: JobSettings, *, partition: str = "aws") -> dict[str, Any]:
    bucket_arn = f"arn:{partition}:s3:::{settings.bucket}"
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": [f"{settings.prefix}*"]}},
        },
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject"],
            "Resource": f"{bucket_arn}/{settings.prefix}*",
        },
    ]
    if settings.inventory_manifest is not None:
        inventory_bucket = settings.inventory_manifest.removeprefix("s3://").split("/", 1)[0]
        # The report's data files are under a sibling folder of its manifest.json (data/).
        statements.append(
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:{partition}:s3:::{inventory_bucket}/*",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def packed_policy(settings: JobSettings, *, partition: str = "aws") -> str:
    """The policy as STS takes it, or PolicyTooLargeError naming the limit."""
    text = json.dumps(source_access_policy(settings, partition=partition), separators=(",", ":"))
    if len(text) > MAX_SESSION_POLICY_CHARACTERS:
        raise PolicyTooLargeError(
            f"the session policy for s3://{settings.bucket}/{settings.prefix} has {len(text)} "
            f"characters; STS accepts about {MAX_SESSION_POLICY_CHARACTERS}: use a shorter prefix"
        )
    return text
