"""What trigger_archive's e2e tests do to the stack, as an operator would."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterable
from datetime import date
from typing import Any

from strongroom.local.endpoints import Endpoints
from tests.e2e.aws_cli import AWS_CLI

KEY = re.compile(r"trigger/([0-9]+)/([0-9]+)_trigger_([0-9]{8})\.json")


def invoke(aws: Any, function_name: str, event: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """boto3's RequestResponse Invoke: the answer's metadata and the decoded payload."""
    response: dict[str, Any] = aws("lambda").invoke(
        FunctionName=function_name, Payload=json.dumps(event).encode()
    )
    return response, json.loads(response["Payload"].read())


def aws_cli_text(endpoints: Endpoints, *args: str) -> str:
    """``aws --endpoint-url <local> ARGS`` for commands that print text (``s3 ls``)."""
    completed = subprocess.run(
        [AWS_CLI, "--endpoint-url", endpoints.aws_endpoint_url, *args],
        env={
            **os.environ,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": endpoints.region,
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return completed.stdout


def listed_keys(listing: str) -> list[str]:
    """The keys of ``aws s3 ls --recursive`` lines (date, time, size, key)."""
    return [line.split()[-1] for line in listing.splitlines() if line.strip()]


def ids_archived_for(keys: Iterable[str], day: date) -> set[int]:
    """The client ids whose seed-layout key is for ``day``; any other key under trigger/ must
    still have the seed's layout."""
    stamp = day.strftime("%Y%m%d")
    ids: set[int] = set()
    for key in keys:
        match = KEY.fullmatch(key)
        assert match is not None, f"{key} breaks the seed's layout"
        assert match[1] == match[2], f"{key} names two client ids"
        if match[3] == stamp:
            ids.add(int(match[1]))
    return ids


def key_for(client_id: int, day: date) -> str:
    return f"trigger/{client_id}/{client_id}_trigger_{day:%Y%m%d}.json"


def versions_of(aws: Any, bucket: str, key: str) -> list[dict[str, Any]]:
    pages = aws("s3").get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key)
    return [item for page in pages for item in page.get("Versions", []) if item["Key"] == key]


def run_reports(aws: Any, bucket: str, day: date) -> list[dict[str, Any]]:
    """Every run report written for ``day``, read back."""
    s3 = aws("s3")
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"runs/{day.isoformat()}/")
    return [
        json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        for item in listed.get("Contents", [])
    ]
