"""Validated names shared by requests, projects and the catalog."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

ProjectName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$"),
]
# S3's legacy rules (us-east-1 buckets made before 2018 may hold capitals and underscores, like
# the seed's "amazon-1234567890-us-east-1_src"); whether the bucket may be archived is decided
# by the project's registration, not by this pattern.
BucketName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$")]
KeyPrefix = Annotated[str, StringConstraints(max_length=1024)]
AccountId = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
Region = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]$")]
