"""``query``: ``GET /users/{user_id}/services`` behind the HTTP API's JWT authorizer.

The gateway has already answered 401/403; this function validates the path (422 naming the
field and rule), answers 404 for a user without records and 200 with the seed's record shape,
services newest first. Any other route is the resolver's 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, BeforeValidator, ConfigDict

from strongroom.core.http_errors import invalid_request
from strongroom.core.observability import logger
from strongroom.login_activity.adapters import ActivityStore, DynamoDBActivityStore
from strongroom.login_activity.domain import (
    IDENTIFIER_MAX_LENGTH,
    IDENTIFIER_PATTERN,
    UserActivity,
    merge_services,
)

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


class UnknownUser(Exception):
    def __init__(self, user_id: str) -> None:
        super().__init__(f"no login activity for user {user_id!r}")
        self.user_id = user_id


@cache
def dynamodb_store() -> ActivityStore:
    """The table named by ``LOGIN_ACTIVITY_TABLE_NAME``, built on first use (not at import)."""
    return DynamoDBActivityStore.from_environment()


# Seam: tests bind an in-memory store with monkeypatch.setattr(query, "store_factory", ...).
store_factory: Callable[[], ActivityStore] = dynamodb_store

app = APIGatewayHttpResolver(enable_validation=True)


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
    stored = store_factory().load(user_id, consistent=False)
    if stored is None:
        raise UnknownUser(user_id)
    # The stored order is already newest first; re-merging keeps the promise for any item.
    services = merge_services(stored.activity.services)
    logger.info("services listed", user_id=user_id, services=len(services))
    return UserActivity(user_id=user_id, services=services)


def _unknown_user(error: UnknownUser) -> Response[NoLoginActivity]:
    logger.info("no login activity", user_id=error.user_id)
    return Response(
        status_code=404,
        content_type=content_types.APPLICATION_JSON,
        body=NoLoginActivity(message=str(error), user_id=error.user_id),
    )


app.exception_handler(UnknownUser)(_unknown_user)
app.exception_handler(RequestValidationError)(invalid_request)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
