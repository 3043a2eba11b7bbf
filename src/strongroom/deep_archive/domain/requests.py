"""``POST /archive``: the seed's request body, validated, and what it resolves to.

Units: ``file_count`` is the most files one archive holds; ``archive_size`` the most megabytes
one archive holds, zip headers included, counted as the S3 console does (1 MB = 1,048,576 bytes).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from strongroom.deep_archive.domain.names import (
    AccountId,
    BucketName,
    KeyPrefix,
    ProjectName,
    Region,
)
from strongroom.deep_archive.domain.projects import MAX_FILE_COUNT
from strongroom.deep_archive.domain.storage import ARCHIVE_STORAGE_CLASSES

MAX_WORKERS = 32
MAX_EXPECTED_FILES = 10**12
"""A trillion files: far more than one prefix holds (S3 lists 1,000 keys a page, so listing
that many is a billion requests), and well inside what DynamoDB stores (38 digits) and
Parquet's signed 64-bit integers."""
MAX_EXPECTED_BYTES = 10**18
"""One exabyte: far more than one prefix holds, and inside DynamoDB's 38 digits and int64."""


class ArchiveRequest(BaseModel):
    # Strict: numbers and flags must be the JSON types the OpenAPI document states (lax parsing
    # took "2" or true for a number and 0 for a flag, so a body the document forbids started a
    # job). A number written 1.0 is refused too, though JSON Schema counts it as an integer.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    project_name: ProjectName
    bucket_name: BucketName
    prefix: KeyPrefix = ""
    file_count: int | None = Field(default=None, ge=1, le=MAX_FILE_COUNT)
    archive_size: int | None = Field(default=None, ge=1, le=5_000_000, description="MB")
    # Checked against the allowed classes by the handler, which answers 400 listing them.
    storage_class: str | None = Field(
        default=None,
        description="One of " + ", ".join(ARCHIVE_STORAGE_CLASSES) + "; the project's if left out.",
    )
    output_prefix: KeyPrefix | None = None
    region: Region | None = None
    account: AccountId | None = None
    expected_files: int | None = Field(
        default=None,
        ge=0,
        le=MAX_EXPECTED_FILES,
        description="The files the prefix holds; a different count fails the job unarchived.",
    )
    expected_bytes: int | None = Field(
        default=None,
        ge=0,
        le=MAX_EXPECTED_BYTES,
        description="The bytes the prefix holds; a different total fails the job unarchived.",
    )
    delete_source: bool = Field(
        default=False,
        description=(
            "Delete each source object once it is archived and catalogued; the token needs "
            "the scope deep_archive/delete as well as deep_archive/archive."
        ),
    )
    dry_run: bool = False
    workers: int = Field(default=1, ge=1, le=MAX_WORKERS)
