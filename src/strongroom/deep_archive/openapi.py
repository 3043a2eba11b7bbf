"""The archive API's OpenAPI document, generated from the resolver's routes and models.

``python -m strongroom.deep_archive.openapi > docs/openapi/deep_archive.json`` regenerates the
committed copy; a unit test fails while the two differ.
"""

from __future__ import annotations

from strongroom.core.openapi import jwt_document
from strongroom.deep_archive.handlers.api import ARCHIVE_SCOPE, DELETE_SCOPE, app
from strongroom.deep_archive.handlers.restore_api import READ_SCOPE, RESTORE_SCOPE

TITLE = "strongroom deep_archive"


def openapi_document() -> str:
    return jwt_document(
        app,
        title=TITLE,
        description=(
            "Cold archive: packs a registered project's small S3 objects into ZIP archives in "
            "Glacier Deep Archive (or another archive storage class) and catalogues every file. "
            "A job archives only a bucket and prefix its project registered. Restores bring "
            "single files back by name, key or prefix, each read with one ranged GET from its "
            "restored archive, checked and written to the restore bucket; one SNS message per "
            "request reports the result."
        ),
        scopes=(
            f"({ARCHIVE_SCOPE} to start jobs, with {DELETE_SCOPE} as well to delete their "
            f"sources, {RESTORE_SCOPE} to restore files, "
            f"{READ_SCOPE} to read jobs and restores)"
        ),
    )


if __name__ == "__main__":
    print(openapi_document(), end="")
