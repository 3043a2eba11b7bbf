"""The port the run fetches each client's trigger response through."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from strongroom.trigger_archive.domain import FetchFailure, TimeBudget


class TriggerFetchFailed(Exception):
    """A client's response could not be fetched; ``failure`` says why (retried or not)."""

    def __init__(self, failure: FetchFailure) -> None:
        self.failure = failure
        super().__init__(failure.describe())


class TriggerSource(Protocol):
    def fetch(self, client_id: int, trigger_date: date, budget: TimeBudget) -> bytes:
        """The response body for the client and date, exactly as received (a JSON document).
        Transient failures are retried inside ``budget``; the last one raises
        :class:`TriggerFetchFailed`."""
        ...
