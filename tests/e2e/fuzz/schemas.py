"""The committed OpenAPI documents as schemathesis schemas, with the run's example budget.

CI runs ``FUZZ_EXAMPLES`` (default 10) generated requests per route and token kind on top of
schemathesis' coverage phase (boundary and invalid values of every field, fixed by the schema);
``make fuzz`` runs more. Generation is derandomized: the same code and documents send the same
requests, so a CI failure reproduces locally.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import schemathesis

DOCUMENTS = Path(__file__).resolve().parents[3] / "docs" / "openapi"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
SYSTEMS = ("deep_archive", "login_activity")

_CONFIG: dict[str, Any] = {
    "generation": {
        "max-examples": EXAMPLES,
        "deterministic": True,
        # The tests send the Authorization header themselves, valid or invalid on purpose.
        "with-security-parameters": False,
    },
    "phases": {
        # Methods the gateway serves but no route declares: API Gateway answers 404 (see the test).
        "coverage": {"unexpected-methods": ["put", "patch", "delete"]},
    },
    "checks": {
        # HTTP APIs route on method and path: an undeclared method is 404 Not Found, never 405.
        "unsupported_method": {"enabled": False},
        # Routes enforce rules a JSON schema cannot state (exactly one of filename, files or
        # prefix; this deployment's region and account), each a documented 422 naming the field.
        "positive_data_acceptance": {"enabled": False},
    },
}


def load(system: str, *, coverage: bool = True) -> Any:
    """The system's committed document, generating with the budget above.

    Without ``coverage`` only the generated requests are sent (``FUZZ_EXAMPLES`` of them).
    """
    config = schemathesis.Config.from_dict(_CONFIG)
    if not coverage:
        config = schemathesis.Config.from_dict(
            {**_CONFIG, "phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}}}
        )
    return schemathesis.openapi.from_path(DOCUMENTS / f"{system}.json", config=config)


def declared_methods(document: Any, path: str) -> set[str]:
    """The methods ``document`` declares for ``path`` (upper case)."""
    return {method.upper() for method in document.raw_schema["paths"].get(path, {})}
