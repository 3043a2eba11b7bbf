"""The query API's OpenAPI document, generated from the resolver's routes and models.

``python -m strongroom.login_activity.openapi > docs/openapi/login_activity.json`` regenerates
the committed copy; a unit test fails while the two differ.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from strongroom.login_activity.handlers.query import READ_SCOPE, app

TITLE = "strongroom login_activity"
VERSION = "1.0.0"


def openapi_document() -> str:
    """The document as indented JSON, ending with a newline (as committed)."""
    document = app.get_openapi_json_schema(
        title=TITLE,
        version=VERSION,
        description=(
            "Which services (OIDC relying parties) each user logged in to, and when last. "
            "Fed by login events on an SQS queue; see docs/login_activity.md."
        ),
        security_schemes={
            "jwt": HTTPBearer(
                bearerFormat="JWT",
                description=(
                    "An access token from the configured identity provider; the HTTP API's JWT "
                    f"authorizer checks issuer, audience, expiry and the scope {READ_SCOPE}."
                ),
            )
        },
    )
    return document + "\n"


if __name__ == "__main__":
    print(openapi_document(), end="")
