"""OpenAPI documents of our HTTP APIs, generated from their Powertools resolvers.

Each API commits its document under docs/openapi/; a unit test per API fails while the
committed copy and the generated one differ.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

VERSION = "1.0.0"

GATEWAY_MESSAGE = "GatewayMessage"
"""The body API Gateway itself answers with (``{"message": "Unauthorized"}``)."""

_GATEWAY_ANSWERS = {
    "401": "No bearer token, or one the HTTP API's JWT authorizer refuses (signature, "
    "algorithm, expiry, issuer or audience): answered by API Gateway, body "
    '{"message": "Unauthorized"}',
    "403": 'The token holds none of the route\'s scopes: answered by API Gateway, body {"message": '
    '"Forbidden"}',
}


def jwt_document(app: APIGatewayHttpResolver, *, title: str, description: str, scopes: str) -> str:
    """The document as indented JSON ending with a newline, with the JWT bearer scheme.

    Every route behind the authorizer also documents the answers API Gateway gives before the
    function runs (401, 403): a caller gets them, so a client generated from the document
    must expect them.
    """
    document = json.loads(
        app.get_openapi_json_schema(
            title=title,
            version=VERSION,
            description=description,
            security_schemes={
                "jwt": HTTPBearer(
                    bearerFormat="JWT",
                    description=(
                        "An access token from the configured identity provider; the HTTP API's "
                        f"JWT authorizer checks issuer, audience, expiry and the scope {scopes}."
                    ),
                )
            },
        )
    )
    _add_gateway_answers(document)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _add_gateway_answers(document: dict[str, Any]) -> None:
    reference = {"$ref": f"#/components/schemas/{GATEWAY_MESSAGE}"}
    secured = False
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not operation.get("security"):
                continue
            secured = True
            responses = operation.setdefault("responses", {})
            for status, meaning in _GATEWAY_ANSWERS.items():
                own = responses.get(status)
                if own is None:
                    responses[status] = {
                        "description": meaning,
                        "content": {"application/json": {"schema": reference}},
                    }
                    continue
                media = own.setdefault("content", {}).setdefault("application/json", {})
                schema = media.get("schema", {})
                if "anyOf" in schema and set(schema) <= {"anyOf", "title"}:
                    media["schema"] = {**schema, "anyOf": [*schema["anyOf"], reference]}
                else:
                    media["schema"] = {"anyOf": [schema, reference]}
                own["description"] = (
                    f"{own.get('description', '')}; or {meaning[0].lower()}{meaning[1:]}"
                )
    if secured:
        document.setdefault("components", {}).setdefault("schemas", {})[GATEWAY_MESSAGE] = {
            "properties": {"message": {"type": "string", "title": "Message"}},
            "type": "object",
            "required": ["message"],
            "title": GATEWAY_MESSAGE,
            "description": "An answer API Gateway gives itself, before any function runs.",
        }
