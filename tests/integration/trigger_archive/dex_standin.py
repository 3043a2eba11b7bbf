"""A scripted DEX API on respx: a client-credentials token endpoint and the trigger endpoint."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import httpx
import respx

BASE_URL = "https://dex.test"
TOKEN_URL = "https://auth.test/oauth/token"
CLIENT_ID = "archive-client"
CLIENT_SECRET = "archive-secret"

Answer = Callable[[httpx.Request], httpx.Response]


@dataclass
class DexStandIn:
    """Answers each trigger call with the next scripted answer for its client, then 200 JSON."""

    expires_in: int = 3600
    tokens_issued: int = 0
    rejected_tokens: set[str] = field(default_factory=set)
    scripts: dict[int, list[Answer]] = field(default_factory=dict)
    calls: list[httpx.Request] = field(default_factory=list)
    token_requests: list[httpx.Request] = field(default_factory=list)

    def install(self, router: respx.MockRouter) -> None:
        router.post(TOKEN_URL).mock(side_effect=self._token)
        router.get(f"{BASE_URL}/data-exchange/trigger").mock(side_effect=self._trigger)

    def script(self, client_id: int, *answers: Answer) -> None:
        self.scripts.setdefault(client_id, []).extend(answers)

    def calls_for(self, client_id: int) -> int:
        return sum(1 for call in self.calls if call.url.params["clientId"] == str(client_id))

    def _token(self, request: httpx.Request) -> httpx.Response:
        self.token_requests.append(request)
        form = parse_qs(request.content.decode())
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return httpx.Response(401, json={"error": "invalid_client"})
        if form.get("grant_type") != ["client_credentials"] or form.get("scope") != [
            "dex/trigger:all"
        ]:
            return httpx.Response(400, json={"error": "invalid_scope"})
        self.tokens_issued += 1
        return httpx.Response(
            200,
            json={
                "access_token": f"token-{self.tokens_issued}",
                "token_type": "Bearer",
                "expires_in": self.expires_in,
                "scope": "dex/trigger:all",
            },
        )

    def _trigger(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token.startswith("token-") or token in self.rejected_tokens:
            return httpx.Response(401, json={"error": "invalid_token"})
        client_id = int(request.url.params["clientId"])
        script = self.scripts.get(client_id)
        if script:
            return script.pop(0)(request)
        return ok_json(request)


def ok_json(request: httpx.Request) -> httpx.Response:
    body = {
        "clientId": int(request.url.params["clientId"]),
        "triggerDate": request.url.params["triggerDate"],
        "triggers": [{"id": 1, "state": "open"}],
    }
    return httpx.Response(200, content=json.dumps(body, indent=1).encode())


def status(code: int, headers: dict[str, str] | None = None) -> Answer:
    return lambda request: httpx.Response(code, headers=headers, text="no")


def raw(content: bytes) -> Answer:
    return lambda request: httpx.Response(200, content=content)


def connection_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)
