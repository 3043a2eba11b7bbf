"""OpenAPI documents of our HTTP APIs, generated from their Powertools resolvers.

Each API commits its document under docs/openapi/; a unit test per API fails while the
committed copy and the generated one differ.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

VERSION = "1.0.0"


def jwt_document(app: APIGatewayHttpResolver, *, title: str, description: str, scopes: str) -> str:
    """The document as indented JSON ending with a newline, with the JWT bearer scheme."""
    document = app.get_openapi_json_schema(
        title=title,
        version=VERSION,
        description=description,
        security_schemes={
            "jwt": HTTPBearer(
                bearerFormat="JWT",
                description=(
                    "An access token from the configured identity provider; the HTTP API's JWT "
                    f"authorizer checks issuer, audience, expiry and the scope {scopes}."
                ),
            )
        },
    )
    return document + "\n"
