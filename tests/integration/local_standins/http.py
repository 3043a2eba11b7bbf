"""Small urllib helpers for talking to a running stand-in as any HTTP client would."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
) -> Answer:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers.items()), error.read())


def basic_token(described: dict[str, str], scope: str = "dex/trigger:all") -> Answer:
    pair = f"{described['client_id']}:{described['client_secret']}".encode()
    return send(
        described["token_url"],
        method="POST",
        headers={"Authorization": "Basic " + base64.b64encode(pair).decode(), "Content-Type": FORM},
        data=urlencode({"grant_type": "client_credentials", "scope": scope}).encode(),
    )


def post_token(described: dict[str, str], secret: str | None = None) -> Answer:
    fields = {
        "grant_type": "client_credentials",
        "scope": "dex/trigger:all",
        "client_id": described["client_id"],
        "client_secret": secret if secret is not None else described["client_secret"],
    }
    return send(
        described["token_url"],
        method="POST",
        headers={"Content-Type": FORM},
        data=urlencode(fields).encode(),
    )


def trigger(described: dict[str, str], token: str, client_id: int, day: str) -> Answer:
    query = urlencode({"clientId": client_id, "triggerDate": day})
    return send(f"{described['trigger_url']}?{query}", headers={"Authorization": f"Bearer {token}"})


def control(
    described: dict[str, str], path: str, *, method: str = "GET", body: Any = None
) -> Answer:
    return send(
        f"{described['control_url']}/{path}",
        method=method,
        headers={
            described["control_header"]: described["control_secret"],
            "Content-Type": "application/json",
        },
        data=json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None),
    )
