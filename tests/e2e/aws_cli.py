"""Runs the AWS CLI installed with the dev extra against the local stack, as an operator would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from strongroom.local.endpoints import Endpoints

# Next to this interpreter: the venv's bin folder is not on PATH in CI.
AWS_CLI = str(Path(sys.executable).with_name("aws"))


def aws_cli(endpoints: Endpoints, *args: str) -> Any:
    """Run ``aws --endpoint-url <local> --output json ARGS`` and return its parsed output."""
    environment = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": endpoints.region,
    }
    completed = subprocess.run(
        [AWS_CLI, "--endpoint-url", endpoints.aws_endpoint_url, "--output", "json", *args],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(completed.stdout) if completed.stdout.strip() else None
