"""The evidence bucket's in-memory twin: write-once keys, each with its retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from strongroom.sox_evidence.adapters.results_store import ObjectExists


@dataclass(frozen=True)
class LockedObject:
    body: bytes
    content_type: str
    version_id: str
    mode: str
    retain_until: datetime


class InMemoryEvidenceBucket:
    def __init__(self, bucket: str = "sox-evidence", *, refuse: type[Exception] | None = None):
        self.bucket = bucket
        self.objects: dict[str, LockedObject] = {}
        self._refuse = refuse
        """An error every put raises (the bucket or the network refusing), for failure paths."""

    def put(self, key: str, body: bytes, content_type: str, retain_until: datetime) -> str | None:
        if self._refuse is not None:
            raise self._refuse(f"s3://{self.bucket}/{key}: refused")
        if key in self.objects:
            raise ObjectExists(f"s3://{self.bucket}/{key} exists: evidence is never overwritten")
        version = f"v{len(self.objects) + 1}"
        self.objects[key] = LockedObject(body, content_type, version, "COMPLIANCE", retain_until)
        return version
