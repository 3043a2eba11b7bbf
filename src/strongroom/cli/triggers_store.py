"""Reading trigger_archive's bucket for ``strongroom triggers list | show``: the archived
responses of a day, their versions and their metadata. Read-only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from botocore.exceptions import ClientError

from strongroom.trigger_archive.public import ARCHIVE_PREFIX, archive_key

_ABSENT = frozenset({"404", "NoSuchKey", "NoSuchVersion", "InvalidArgument"})


class ArchivedObjectMissing(LookupError):
    """No archived response (or no such version of it)."""


@dataclass(frozen=True)
class ObjectVersion:
    version_id: str
    last_modified: datetime
    size: int
    is_latest: bool


@dataclass(frozen=True)
class ArchivedObject:
    """One client's archived response for a day, as ``list`` shows it (current version)."""

    client_id: int
    key: str
    size: int
    versions: int
    last_modified: datetime
    sha256: str | None


@dataclass(frozen=True)
class ArchivedResponse:
    """One version of one client's archived response, as ``show`` shows it."""

    bucket: str
    key: str
    version_id: str | None
    metadata: dict[str, str]
    content_type: str | None
    size: int
    versions: list[ObjectVersion]
    body: bytes

    def parsed_body(self) -> Any:
        """The body as JSON, or ``None`` when it is not JSON (the function stores JSON only)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def client_of(key: str, day: date) -> int | None:
    """The client id of ``trigger/<id>/<id>_trigger_<yyyymmdd>.json`` for ``day``, else None."""
    if not key.startswith(ARCHIVE_PREFIX) or not key.endswith(f"_trigger_{day:%Y%m%d}.json"):
        return None
    folder = key[len(ARCHIVE_PREFIX) :].split("/", 1)[0]
    if not folder.isdecimal():
        return None
    client_id = int(folder)
    return client_id if archive_key(client_id, day) == key else None


def object_versions(s3: Any, bucket: str, key: str) -> list[ObjectVersion]:
    """Every version of ``key``, newest first (delete markers left out)."""
    found: list[ObjectVersion] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        found.extend(
            ObjectVersion(
                version_id=str(version["VersionId"]),
                last_modified=version["LastModified"],
                size=int(version["Size"]),
                is_latest=bool(version["IsLatest"]),
            )
            for version in page.get("Versions", [])
            if version["Key"] == key
        )
    return sorted(
        found, key=lambda version: (version.is_latest, version.last_modified), reverse=True
    )


def archived_objects(s3: Any, bucket: str, day: date) -> list[ArchivedObject]:
    """Every client's archived response for ``day``, by client id."""
    found: list[ArchivedObject] = []
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=ARCHIVE_PREFIX)
    for page in pages:
        for item in page.get("Contents", []):
            client_id = client_of(item["Key"], day)
            if client_id is None:
                continue
            head = s3.head_object(Bucket=bucket, Key=item["Key"])
            found.append(
                ArchivedObject(
                    client_id=client_id,
                    key=item["Key"],
                    size=int(item["Size"]),
                    versions=len(object_versions(s3, bucket, item["Key"])),
                    last_modified=item["LastModified"],
                    sha256=head.get("Metadata", {}).get("sha256"),
                )
            )
    return sorted(found, key=lambda archived: archived.client_id)


def archived_response(
    s3: Any, bucket: str, client_id: int, day: date, version_id: str | None = None
) -> ArchivedResponse:
    """One client's archived response for ``day`` (the current version unless ``version_id``)."""
    key = archive_key(client_id, day)
    extra = {"VersionId": version_id} if version_id is not None else {}
    try:
        answer = s3.get_object(Bucket=bucket, Key=key, **extra)
    except ClientError as error:
        if str(error.response.get("Error", {}).get("Code")) in _ABSENT:
            which = f"version {version_id} of " if version_id is not None else ""
            raise ArchivedObjectMissing(
                f"no {which}s3://{bucket}/{key}: client {client_id}'s response for {day} "
                "is not archived"
            ) from error
        raise
    with answer["Body"] as stream:
        body = stream.read()
    return ArchivedResponse(
        bucket=bucket,
        key=key,
        version_id=answer.get("VersionId"),
        metadata=dict(answer.get("Metadata", {})),
        content_type=answer.get("ContentType"),
        size=int(answer.get("ContentLength", len(body))),
        versions=object_versions(s3, bucket, key),
        body=body,
    )
