"""``query``: ``GET /users/{user_id}/services`` behind the HTTP API's JWT authorizer.

The gateway has already answered 401/403; this function validates the path (422 naming the
field and rule), answers 404 for a user without records and 200 with the seed's record shape,
services newest first. Any other route is the resolver's 404.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, BeforeValidator, ConfigDict

from strongroom.core.http_errors import answer_errors
from strongroom.core.observability import logger
from strongroom.login_activity import wiring
from strongroom.login_activity.domain.activity import UserActivity
from strongroom.login_activity.domain.fields import IDENTIFIER_MAX_LENGTH, IDENTIFIER_PATTERN
from strongroom.login_activity.services.listing import services_of

ROUTE = "/users/<user_id>/services"
READ_SCOPE = "login_activity/read"
SECURITY = [{"jwt": [READ_SCOPE]}]
"""The gateway's JWT authorizer enforces it; here it documents the route in OpenAPI."""

UserIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=IDENTIFIER_MAX_LENGTH,
        pattern=IDENTIFIER_PATTERN,
        # Pydantic leaves the pattern out of the schema once a validator wraps the type.
        json_schema_extra={"pattern": IDENTIFIER_PATTERN},
        description="The user's id, as in the login events (e.g. an OIDC sub).",
        examples=["123456789"],
    ),
    # The resolver takes path parameters from the raw path: auth0%7Cabc is auth0|abc.
    BeforeValidator(unquote),
]


class NoLoginActivity(BaseModel):
    """The 404 body: no login of this user has been recorded."""

    model_config = ConfigDict(frozen=True)

    message: str
    user_id: str


app = APIGatewayHttpResolver(enable_validation=True)
answer_errors(app)


@app.get(
    ROUTE,
    summary="The services a user logged in to",
    description="Every service (relying party) the user logged in to, newest first.",
    responses={
        200: {
            "description": "The user's services, newest last_accessed first",
            "content": {content_types.APPLICATION_JSON: {"model": UserActivity}},
        },
        404: {
            "description": "No login of this user has been recorded",
            "content": {content_types.APPLICATION_JSON: {"model": NoLoginActivity}},
        },
    },
    operation_id="listUserServices",
    tags=["login_activity"],
    security=SECURITY,
)
def list_user_services(user_id: UserIdPath) -> UserActivity:
    return services_of(wiring.activity_store(), user_id)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
