"""The restore queue's twin: records which restore requests were started."""

from __future__ import annotations


class RecordingRestoreQueue:
    def __init__(self) -> None:
        self.started: list[str] = []

    def start(self, restore_id: str) -> None:
        self.started.append(restore_id)
