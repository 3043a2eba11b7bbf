"""Storage classes an archive may be written to, and the restore tiers each one offers."""

from __future__ import annotations

from http import HTTPStatus
from typing import Literal

from strongroom.core.http_errors import ApiError

ArchiveStorageClass = Literal["DEEP_ARCHIVE", "GLACIER", "GLACIER_IR", "STANDARD_IA"]
ARCHIVE_STORAGE_CLASSES: tuple[ArchiveStorageClass, ...] = (
    "DEEP_ARCHIVE",
    "GLACIER",
    "GLACIER_IR",
    "STANDARD_IA",
)
# Objects in these classes must be restored (RestoreObject) before they can be read.
RESTORE_REQUIRED: frozenset[str] = frozenset({"DEEP_ARCHIVE", "GLACIER"})
RESTORE_TIERS: dict[str, tuple[str, ...]] = {
    "DEEP_ARCHIVE": ("Standard", "Bulk"),
    "GLACIER": ("Expedited", "Standard", "Bulk"),
}
# Sidecar manifests, job plans and reports stay readable without a restore.
READABLE_STORAGE_CLASS = "STANDARD"


class UnsupportedStorageClassError(ApiError, ValueError):
    def __init__(self, given: str) -> None:
        self.given = given
        self.allowed = ARCHIVE_STORAGE_CLASSES
        super().__init__(
            f"storage_class {given!r} is not supported for archives; allowed: "
            + ", ".join(ARCHIVE_STORAGE_CLASSES),
            status=HTTPStatus.BAD_REQUEST,
            field="storage_class",
            given=given,
            allowed=list(ARCHIVE_STORAGE_CLASSES),
        )


def archive_storage_class(value: str) -> ArchiveStorageClass:
    """The storage class named by ``value``, or UnsupportedStorageClassError listing the allowed."""
    for storage_class in ARCHIVE_STORAGE_CLASSES:
        if value == storage_class:
            return storage_class
    raise UnsupportedStorageClassError(value)
