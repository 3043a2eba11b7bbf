"""One catalog entry per archived file: enough to find, read and check it without a restore.

The same fields are written to the archive's sidecar manifest (JSON Lines, readable storage
class), so the catalog can be rebuilt from the manifests alone.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class CatalogEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    project: str
    source_bucket: str
    key: str
    etag: str
    version_id: str | None = None
    last_modified: datetime
    content_type: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    size: int
    archive_bucket: str
    archive_key: str
    storage_class: str
    header_offset: int
    data_offset: int
    compressed_size: int
    method: str
    crc32: int
    sha256: str
    job_id: str
    archived_at: datetime

    @property
    def file_name(self) -> str:
        """The bare file name, as the seed's restore request names a file."""
        return self.key.rsplit("/", 1)[-1]
