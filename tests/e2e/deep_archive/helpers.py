"""What the deep_archive e2e tests share: waiting for a job, posting with curl as a user would."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from strongroom.local.api_client import ApiClient
from tests.support.waiting import eventually

FINISHED = {"SUCCEEDED", "FAILED", "PLANNED"}


def finished(api: ApiClient, job_id: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        body = api.get("jobs", job_id).body
        return dict(body) if body["status"] in FINISHED else None

    return eventually(done, timeout=120, interval=0.5)


def curl_post(url: str, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    completed = subprocess.run(
        [
            "curl",
            "--silent",
            "--max-time",
            "30",
            "--write-out",
            "\n%{http_code}",
            "--header",
            f"Authorization: Bearer {token}",
            "--header",
            "Content-Type: application/json",
            "--data-raw",
            json.dumps(body),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    text, _, status = completed.stdout.rpartition("\n")
    return int(status), json.loads(text)
