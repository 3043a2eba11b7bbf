"""Real API answers for the views: the restore routes on the in-memory restore world."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console, RenderableType

from strongroom.deep_archive.handlers import restore_worker
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.deep_archive_restore.archives import PROJECT, TOPIC, csv_file
from tests.unit.deep_archive_restore.world import RestoreWorld

ARCHIVE = "archives/demo/job-1/part-000000.zip"
KEYS = ("2025/north/a.csv", "2025/south/a.csv", "2025/b.csv")


def rendered(renderable: RenderableType, width: int = 250) -> str:
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def words(text: str) -> str:
    """Text with line wrapping undone, for asserting on sentences."""
    return " ".join(text.split())


def archived_world() -> RestoreWorld:
    world = RestoreWorld()
    world.archive(ARCHIVE, [csv_file(key) for key in KEYS])
    return world


def restore_body(**changes: Any) -> dict[str, Any]:
    return {
        "project_name": PROJECT,
        "filename": "b.csv",
        "retrieval_tier": "Standard",
        "sns_topic_arn": TOPIC,
        **changes,
    }


def advance(world: RestoreWorld, restore_id: str) -> None:
    """One worker run, as the restore queue's message would start it."""
    message = {
        "messageId": "m0",
        "receiptHandle": "r0",
        "body": json.dumps({"restore_id": restore_id}),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:restores",
        "awsRegion": "eu-west-1",
    }
    restore_worker.handler({"Records": [message]}, FakeLambdaContext())
