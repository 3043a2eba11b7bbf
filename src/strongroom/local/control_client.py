"""Calls the running stack's control endpoint (loopback, from endpoints.json)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from strongroom.local.control import SECRET_HEADER
from strongroom.local.endpoints import Endpoints


class ControlError(RuntimeError):
    pass


def call(endpoints: Endpoints, method: str, path: str, body: Any = None) -> Any:
    """``body``, when given, is sent as JSON."""
    data = json.dumps(body).encode() if body is not None else b"" if method == "POST" else None
    request = urllib.request.Request(  # noqa: S310 - loopback URL from our own endpoints file
        endpoints.control_url + path,
        method=method,
        headers={SECRET_HEADER: endpoints.control_secret, "Content-Type": "application/json"},
        data=data,
    )
    try:
        with urllib.request.urlopen(request, timeout=900) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        body = json.loads(error.read() or b"{}")
        raise ControlError(body.get("message", str(error))) from error
    except urllib.error.URLError as error:
        raise ControlError(
            f"no answer from {endpoints.control_url}: is `strongroom up` running?"
        ) from error
