"""The evidence reader's in-memory twin: versioned buckets with Object Lock retention.

Tests write packages into it (``put``) and tamper with them as someone with write access
would: a new version over a key (``put`` again), a delete marker (``delete``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from strongroom.sox_evidence.adapters.evidence_reader import (
    ByteSink,
    ObjectMissing,
    ObjectVersion,
    Retention,
    StoredObject,
)


@dataclass
class _Version:
    version_id: str
    body: bytes | None
    """None: a delete marker."""
    retention: Retention | None = None


@dataclass
class InMemoryEvidenceReader:
    objects: dict[tuple[str, str], list[_Version]] = field(default_factory=dict)
    """(bucket, key) -> its versions, oldest first."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def put(self, bucket: str, key: str, body: bytes, retain_until: datetime | None = None) -> str:
        """Write a new version (COMPLIANCE until ``retain_until`` when given); its id."""
        version_id = f"v{next(self._ids):04d}"
        lock = Retention("COMPLIANCE", retain_until) if retain_until else None
        self.objects.setdefault((bucket, key), []).append(_Version(version_id, body, lock))
        return version_id

    def delete(self, bucket: str, key: str) -> str:
        """A delete without a version id: a delete marker on top."""
        version_id = f"v{next(self._ids):04d}"
        self.objects.setdefault((bucket, key), []).append(_Version(version_id, None))
        return version_id

    def _version(self, bucket: str, key: str, version_id: str | None) -> _Version:
        versions = self.objects.get((bucket, key), [])
        chosen = (
            versions[-1:]
            if version_id is None
            else [v for v in versions if v.version_id == version_id]
        )
        if not chosen or chosen[0].body is None:
            raise ObjectMissing(f"s3://{bucket}/{key} version {version_id}")
        return chosen[0]

    def get(self, bucket: str, key: str, version_id: str | None) -> StoredObject:
        version = self._version(bucket, key, version_id)
        assert version.body is not None  # _version refuses delete markers
        return StoredObject(version.body, version.retention)

    def download(self, bucket: str, key: str, version_id: str | None, into: ByteSink) -> None:
        into.write(self.get(bucket, key, version_id).body)

    def versions(self, bucket: str, prefix: str) -> list[ObjectVersion]:
        found = []
        for (in_bucket, key), versions in sorted(self.objects.items()):
            if in_bucket != bucket or not key.startswith(prefix):
                continue
            for index, version in enumerate(reversed(versions)):
                found.append(
                    ObjectVersion(key, version.version_id, index == 0, version.body is None)
                )
        return found

    def retention(self, bucket: str, key: str, version_id: str | None) -> Retention | None:
        return self._version(bucket, key, version_id).retention

    def latest(self, bucket: str, key: str) -> ObjectVersion | None:
        versions = self.objects.get((bucket, key), [])
        if not versions:
            return None
        return ObjectVersion(key, versions[-1].version_id, True, versions[-1].body is None)
