"""The query API's OpenAPI document, generated from the resolver's routes and models.

``python -m strongroom.login_activity.openapi > docs/openapi/login_activity.json`` regenerates
the committed copy; a unit test fails while the two differ.
"""

from __future__ import annotations

from strongroom.core.openapi import jwt_document
from strongroom.login_activity.handlers.query import READ_SCOPE, app

TITLE = "strongroom login_activity"


def openapi_document() -> str:
    return jwt_document(
        app,
        title=TITLE,
        description=(
            "Which services (OIDC relying parties) each user logged in to, and when last. "
            "Fed by login events on an SQS queue; see docs/login_activity.md."
        ),
        scopes=READ_SCOPE,
    )


if __name__ == "__main__":
    print(openapi_document(), end="")
