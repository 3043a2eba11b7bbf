"""``.strongroom/endpoints.json``: how clients find the running local stack."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

DEFAULT_STATE_DIR = Path(".strongroom")
ENDPOINTS_FILE = "endpoints.json"


class Endpoints(BaseModel):
    aws_endpoint_url: str
    region: str
    apis: dict[str, str] = Field(default_factory=dict)
    token: str
    outputs: dict[str, dict[str, Any]] = Field(default_factory=dict)
    issuer: str
    audience: str
    control_url: str
    control_secret: str
    standins: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Non-AWS stand-ins by name: URLs, credentials, database paths (hence owner-only)."""


def write_endpoints(state_dir: Path, endpoints: Endpoints) -> Path:
    """Write atomically and readable only by the owner: the file holds a token."""
    state_dir.mkdir(parents=True, exist_ok=True)
    target = state_dir / ENDPOINTS_FILE
    partial = target.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        json.dump(endpoints.model_dump(), stream, indent=2)
    partial.replace(target)
    return target


def read_endpoints(state_dir: Path = DEFAULT_STATE_DIR) -> Endpoints:
    path = state_dir / ENDPOINTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: start the local stack with `strongroom up`")
    return Endpoints.model_validate_json(path.read_text(encoding="utf-8"))


def remove_endpoints(state_dir: Path) -> None:
    (state_dir / ENDPOINTS_FILE).unlink(missing_ok=True)
