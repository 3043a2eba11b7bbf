"""Calls a strongroom HTTP API with a bearer token, as any client application would."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

REQUEST_TIMEOUT_SECONDS = 35  # a little above API Gateway's 30 s integration timeout


class ApiUnreachableError(RuntimeError):
    pass


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: Any

    @property
    def message(self) -> str:
        """The error text an API body carries, for showing to a person."""
        if isinstance(self.body, dict):
            for field in ("message", "detail"):
                value = self.body.get(field)
                if isinstance(value, str):
                    return value
                if value is not None:
                    return json.dumps(value)
        return json.dumps(self.body)


@dataclass(frozen=True)
class ApiClient:
    base_url: str
    token: str

    def get(self, *segments: str) -> ApiResponse:
        return self._send("GET", segments, None)

    def post(self, *segments: str, body: Any) -> ApiResponse:
        return self._send("POST", segments, body)

    def _send(self, method: str, segments: tuple[str, ...], body: Any) -> ApiResponse:
        # Each segment is quoted on its own, so a user id cannot add path segments.
        path = "/".join(quote(segment, safe="") for segment in segments)
        request = urllib.request.Request(  # noqa: S310 - URL from endpoints.json or the operator
            f"{self.base_url.rstrip('/')}/{path}",
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            data=None if body is None else json.dumps(body).encode(),
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as answer:  # noqa: S310
                return ApiResponse(answer.status, _json(answer.read()))
        except urllib.error.HTTPError as error:
            return ApiResponse(error.code, _json(error.read()))
        except urllib.error.URLError as error:
            raise ApiUnreachableError(f"no answer from {self.base_url}: {error.reason}") from error


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return raw.decode(errors="replace")
