"""``POST /restore``: the seed's request, and the restore request's state as it is stored.

A restore request is one ``RestoreRecord`` plus one ``RestoreFile`` per requested file. Files move
``PENDING`` (nothing asked of S3 yet) -> ``RESTORING`` (their archive's restore runs) ->
``RESTORED`` (written to the restore bucket, checks passed) or ``FAILED`` (with the reason). The
request's status is derived from its files; it is ``COMPLETED``, ``PARTIAL`` or ``FAILED`` once
every file is final, and the notification is sent exactly once after that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.names import (
    AccountId,
    BucketName,
    KeyPrefix,
    ProjectName,
    Region,
)

MAX_FILES_PER_REQUEST = 500
"""Keeps one request's notification (per-file results) well inside SNS's 256 KB message limit."""
RESTORED_PREFIX = "restores"

RetrievalTier = Literal["Expedited", "Standard", "Bulk"]
RETRIEVAL_TIERS: tuple[RetrievalTier, ...] = ("Expedited", "Standard", "Bulk")
FileState = Literal["PENDING", "RESTORING", "RESTORED", "FAILED"]
FINAL_FILE_STATES: frozenset[str] = frozenset({"RESTORED", "FAILED"})
RestoreStatus = Literal["ACCEPTED", "RESTORING", "COMPLETED", "PARTIAL", "FAILED"]
NotificationState = Literal["SENDING", "SENT"]

FileReference = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024, strip_whitespace=True),
    Field(
        description=(
            "A bare file name (as in the seed), a full source key, or s3://bucket/key when the "
            "same key exists in two registered buckets."
        ),
        examples=["5000_20250410_003.csv", "20250410/north/5000_20250410_003.csv"],
    ),
]
TopicArn = Annotated[
    str,
    StringConstraints(pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$"),
]


class RestoreRequest(BaseModel):
    """The seed's body, plus ``files`` or ``prefix`` to restore more than one file at once."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    project_name: ProjectName
    filename: FileReference | None = None
    files: list[FileReference] | None = Field(
        default=None, min_length=1, max_length=MAX_FILES_PER_REQUEST
    )
    prefix: KeyPrefix | None = Field(
        default=None, description="Restore every catalogued file whose key starts with this."
    )
    bucket_name: BucketName | None = Field(
        default=None, description="With prefix: only this registered source bucket."
    )
    # Checked against the archives' storage classes by the handler, which answers 400 saying why.
    retrieval_tier: str = Field(examples=["Standard"], description="Expedited, Standard or Bulk.")
    region: Region | None = None
    account: AccountId | None = None
    sns_topic_arn: TopicArn

    @model_validator(mode="after")
    def _one_selector(self) -> Self:
        given = [
            name
            for name, value in (
                ("filename", self.filename),
                ("files", self.files),
                ("prefix", self.prefix),
            )
            if value is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of filename, files or prefix"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.bucket_name is not None and self.prefix is None:
            raise ValueError("bucket_name narrows a prefix restore: give it with prefix only")
        return self

    @property
    def references(self) -> list[str]:
        """The files named, in the order given, without repeats."""
        named = [self.filename] if self.filename is not None else (self.files or [])
        return list(dict.fromkeys(named))


class RestoreFile(BaseModel):
    """One requested file: what the catalog says about it and how far its restore got."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(ge=0)
    requested: str
    entry: CatalogEntry
    state: FileState = "PENDING"
    error: str | None = None
    extracting_until: datetime | None = None
    """Set while one run reads and writes the file, so concurrent runs do not do it again."""
    updated_at: datetime

    @property
    def archive(self) -> tuple[str, str]:
        return self.entry.archive_bucket, self.entry.archive_key

    @property
    def final(self) -> bool:
        return self.state in FINAL_FILE_STATES


class Notification(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    state: NotificationState
    claimed_at: datetime
    message_id: str | None = None
    sent_at: datetime | None = None


class RestoreRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    restore_id: str
    project: str
    retrieval_tier: RetrievalTier
    sns_topic_arn: str
    restore_bucket: str
    file_count: int = Field(ge=1, le=MAX_FILES_PER_REQUEST)
    created_at: datetime
    notification: Notification | None = None


class FileCounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    total: int
    pending: int
    restoring: int
    restored: int
    failed: int


def file_counts(files: Iterable[RestoreFile]) -> FileCounts:
    states = Counter(file.state for file in files)
    return FileCounts(
        total=sum(states.values()),
        pending=states["PENDING"],
        restoring=states["RESTORING"],
        restored=states["RESTORED"],
        failed=states["FAILED"],
    )


def request_status(files: Sequence[RestoreFile]) -> RestoreStatus:
    """The request's status from its files' states."""
    counts = file_counts(files)
    if counts.pending + counts.restoring:
        return "RESTORING" if counts.restoring + counts.restored + counts.failed else "ACCEPTED"
    if counts.failed == 0:
        return "COMPLETED"
    return "FAILED" if counts.restored == 0 else "PARTIAL"


def restore_status_url(restore_id: str) -> str:
    """Where the API reports on a restore request (``GET /restores/{restore_id}``)."""
    return f"/restores/{restore_id}"


def restored_key(restore_id: str, source_key: str) -> str:
    """Where a restored file is written: ``restores/<restore_id>/<original key>``."""
    return f"{RESTORED_PREFIX}/{restore_id}/{source_key}"


def by_archive(files: Iterable[RestoreFile]) -> dict[tuple[str, str], list[RestoreFile]]:
    """Files grouped by the archive holding them, archives in first-requested order and each
    archive's files by data offset, so one archive's restore serves all of its files."""
    groups: dict[tuple[str, str], list[RestoreFile]] = {}
    for file in files:
        groups.setdefault(file.archive, []).append(file)
    return {
        archive: sorted(members, key=lambda file: file.entry.data_offset)
        for archive, members in groups.items()
    }
