"""What a handler wrote through the shared Powertools Logger and Metrics, for tests to read."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from strongroom.core.observability import logger


def emitted_metrics(output: str) -> dict[str, list[float]]:
    """Metric values from the EMF documents the handler printed."""
    values: dict[str, list[float]] = {}
    for line in output.splitlines():
        if not line.startswith("{") or "_aws" not in line:
            continue
        document = json.loads(line)
        for definition in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
            value = document[definition["Name"]]
            values.setdefault(definition["Name"], []).extend(
                value if isinstance(value, list) else [value]
            )
    return values


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """What the logger writes inside the block (its handler's stream, redirected)."""
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    output = io.StringIO()
    previous = handler.setStream(output)
    try:
        yield output
    finally:
        handler.setStream(previous)
