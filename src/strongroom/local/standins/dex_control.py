"""The DEX stand-in's control API under ``/_control/``, for the demo, e2e tests and benchmarks.

Every control request carries the control secret in ``X-Strongroom-Control``:

- ``GET  /_control/stats``: what the stand-in saw (``dex_stats``)
- ``GET  /_control/faults``: the fault settings
- ``POST /_control/faults``: change some of them (a JSON object; names of ``FaultSettings``)
- ``POST /_control/expire-tokens``: every issued token stops working now
- ``POST /_control/clients/<clientId>/revision``: that client's trigger bodies change
- ``POST /_control/reset``: no faults, revisions 0, stats cleared
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from strongroom.local.standins.replies import Reply

if TYPE_CHECKING:
    from strongroom.local.standins.dex_service import DexService

CONTROL_PREFIX = "/_control/"
SECRET_HEADER = "X-Strongroom-Control"  # noqa: S105 - a header name, not a secret
_REVISION = re.compile(r"/_control/clients/([0-9]{1,18})/revision")


def control_reply(
    service: DexService, method: str, path: str, headers: Mapping[str, str], body: bytes
) -> Reply:
    given = headers.get(SECRET_HEADER.lower(), "")
    if not hmac.compare_digest(given.encode(), service.control_secret.encode()):
        return Reply.json(401, {"error": "unauthorized", "message": f"wrong {SECRET_HEADER}"})
    if method == "GET":
        return _get(service, path)
    if method == "POST":
        return _post(service, path, body)
    return Reply.json(405, {"error": "method_not_allowed", "message": "use GET or POST"})


def _get(service: DexService, path: str) -> Reply:
    if path == "/_control/stats":
        return Reply.json(200, service.stats_snapshot())
    if path == "/_control/faults":
        return Reply.json(200, service.faults.as_json())
    return _not_found(path)


def _post(service: DexService, path: str, body: bytes) -> Reply:
    if path == "/_control/faults":
        return _set_faults(service, body)
    if path == "/_control/expire-tokens":
        return Reply.json(200, {"expired": service.expire_tokens()})
    if path == "/_control/reset":
        service.reset()
        return Reply.json(200, {"reset": True})
    revision = _REVISION.fullmatch(path)
    if revision is not None:
        client_id = int(revision.group(1))
        return Reply.json(
            200, {"client_id": client_id, "revision": service.bump_revision(client_id)}
        )
    return _not_found(path)


def _set_faults(service: DexService, body: bytes) -> Reply:
    try:
        changes = json.loads(body or b"{}")
        if not isinstance(changes, dict):
            raise TypeError("the body must be a JSON object")
        settings = service.set_faults(**changes)
    except (ValueError, TypeError) as invalid:
        return Reply.json(400, {"error": "invalid_request", "message": str(invalid)})
    return Reply.json(200, settings.as_json())


def _not_found(path: str) -> Reply:
    return Reply.json(404, {"error": "not_found", "message": f"no control resource at {path}"})
