"""What a message on the restore queue asks for: the restore requests it concerns.

Three kinds arrive: ``{"restore_id": ...}`` from the API, the sweep or a worker that ran out of
time; S3's event notification ``{"Records": [...]}`` when an archive's restore completed (keys
URL-encoded, as S3 sends them); and S3's ``s3:TestEvent`` when the notification is configured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

RESTORE_COMPLETED = "ObjectRestore:Completed"


class UnrecognisedMessage(ValueError):
    """A message that is none of the three kinds: it ends on the DLQ for an operator."""


@dataclass(frozen=True, slots=True)
class RestoreWork:
    restore_ids: tuple[str, ...] = ()
    completed_archives: tuple[tuple[str, str], ...] = ()


def parse_work(body: str) -> RestoreWork:
    try:
        message: Any = json.loads(body)
    except json.JSONDecodeError as error:
        raise UnrecognisedMessage(f"restore queue message is not JSON: {error}") from None
    if not isinstance(message, dict):
        raise UnrecognisedMessage("restore queue message is not a JSON object")
    if isinstance(message.get("restore_id"), str):
        return RestoreWork(restore_ids=(message["restore_id"],))
    if message.get("Event") == "s3:TestEvent":
        return RestoreWork()
    records = message.get("Records")
    if isinstance(records, list):
        return RestoreWork(completed_archives=tuple(_completed(records)))
    raise UnrecognisedMessage(
        "restore queue message has neither restore_id nor S3 event Records: " + body[:200]
    )


def _completed(records: list[Any]) -> list[tuple[str, str]]:
    archives: list[tuple[str, str]] = []
    for record in records:
        try:
            if not str(record["eventName"]).startswith(RESTORE_COMPLETED):
                continue
            s3 = record["s3"]
            archives.append((s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
        except (KeyError, TypeError) as error:
            raise UnrecognisedMessage(f"S3 event record without {error}") from None
    return list(dict.fromkeys(archives))
