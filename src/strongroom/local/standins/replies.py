"""An HTTP answer as data, so stand-ins' request logic is tested without sockets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, status: int, document: Any, *headers: tuple[str, str]) -> Reply:
        body = json.dumps(document, separators=(",", ":")).encode()
        return cls(status, body, (("Content-Type", JSON_TYPE), *headers))

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def document(self) -> Any:
        return json.loads(self.body)
