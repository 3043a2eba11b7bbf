"""The field rules shared by login events, stored records and the query API's path.

Identifiers (``user_id``, ``service_id``): 1-128 characters from ``A-Z a-z 0-9`` and
``. _ : @ | + -``. That admits the seed's ``123456789``/``abcdef`` and the ``sub`` formats of
common OIDC providers (UUIDs, digits, ``auth0|abc123``, ``google-oauth2|1234``, base64url,
e-mail-like values) while keeping out whitespace, ``/`` and control characters, which would
make ids ambiguous in URLs and logs.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

IDENTIFIER_PATTERN = r"^[A-Za-z0-9._:@|+-]+$"
IDENTIFIER_MAX_LENGTH = 128
SERVICE_NAME_MAX_LENGTH = 256

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=IDENTIFIER_MAX_LENGTH, pattern=IDENTIFIER_PATTERN),
]

ServiceName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=SERVICE_NAME_MAX_LENGTH),
]
"""A display name: surrounding whitespace is dropped, what remains is 1-256 characters."""
