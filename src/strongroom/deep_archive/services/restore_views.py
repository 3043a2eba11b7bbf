"""What the restore routes answer: a request and its files, and each refusal's body."""

from __future__ import annotations

from pydantic import BaseModel

from strongroom.deep_archive.domain.restore_progress import file_result
from strongroom.deep_archive.domain.restores import (
    FileCounts,
    RestoreFile,
    RestoreRecord,
    RestoreStatus,
    RetrievalTier,
    file_counts,
    request_status,
    restore_status_url,
)
from strongroom.deep_archive.services.responses import Problem, Timestamp


class FileView(BaseModel):
    requested: str
    source: str
    state: str
    location: str | None
    size: int
    sha256: str
    error: str | None
    archive: str
    updated_at: Timestamp


class NotificationView(BaseModel):
    state: str
    claimed_at: Timestamp
    message_id: str | None
    sent_at: Timestamp | None


class RestoreAccepted(BaseModel):
    """The 202 body: the request is recorded and its restore started."""

    restore_id: str
    status: RestoreStatus
    status_url: str
    retrieval_tier: RetrievalTier
    files: list[FileView]

    @classmethod
    def of(cls, record: RestoreRecord, files: list[RestoreFile]) -> RestoreAccepted:
        return cls(
            restore_id=record.restore_id,
            status=request_status(files),
            status_url=restore_status_url(record.restore_id),
            retrieval_tier=record.retrieval_tier,
            files=file_views(record, files),
        )


class RestoreView(BaseModel):
    """A restore request as ``GET /restores/{restore_id}`` shows it."""

    restore_id: str
    project: str
    status: RestoreStatus
    retrieval_tier: RetrievalTier
    sns_topic_arn: str
    counts: FileCounts
    notification: NotificationView | None
    created_at: Timestamp
    files: list[FileView]

    @classmethod
    def of(cls, record: RestoreRecord, files: list[RestoreFile]) -> RestoreView:
        notification = record.notification
        return cls(
            restore_id=record.restore_id,
            project=record.project,
            status=request_status(files),
            retrieval_tier=record.retrieval_tier,
            sns_topic_arn=record.sns_topic_arn,
            counts=file_counts(files),
            notification=(
                None
                if notification is None
                else NotificationView.model_validate(notification.model_dump())
            ),
            created_at=record.created_at,
            files=file_views(record, files),
        )


def file_views(record: RestoreRecord, files: list[RestoreFile]) -> list[FileView]:
    return [
        FileView.model_validate(
            {
                **file_result(record, file),
                "archive": f"s3://{file.entry.archive_bucket}/{file.entry.archive_key}",
                "updated_at": file.updated_at,
            }
        )
        for file in files
    ]


class TierProblem(Problem):
    field: str = "retrieval_tier"
    given: str
    storage_class: str | None
    allowed: list[str]
    files: list[str]


class TopicProblem(Problem):
    field: str = "sns_topic_arn"
    project: str
    given: str
    registered: list[str]


class UnknownFilesProblem(Problem):
    project: str
    unknown: list[str]


class AmbiguousFilesProblem(Problem):
    project: str
    matches: dict[str, list[str]]


class UnknownRestoreProblem(Problem):
    restore_id: str
