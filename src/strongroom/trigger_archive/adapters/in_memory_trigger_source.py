"""A TriggerSource answering from a script, for unit tests: per client, a body or a failure."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import date

from strongroom.trigger_archive.adapters.trigger_source import TriggerFetchFailed
from strongroom.trigger_archive.domain import FetchFailure, TimeBudget

Answer = bytes | FetchFailure


class InMemoryTriggerSource:
    def __init__(
        self,
        answers: Mapping[int, Answer] | None = None,
        *,
        default: Callable[[int, date], bytes] | None = None,
        on_fetch: Callable[[int], None] | None = None,
    ) -> None:
        self.answers = dict(answers or {})
        self._default = default or (
            lambda client_id, day: f'{{"clientId": {client_id}, "triggerDate": "{day}"}}'.encode()
        )
        self._on_fetch = on_fetch
        self.fetched: list[int] = []
        self._lock = threading.Lock()

    def fetch(self, client_id: int, trigger_date: date, budget: TimeBudget) -> bytes:
        del budget
        with self._lock:
            self.fetched.append(client_id)
        if self._on_fetch is not None:
            self._on_fetch(client_id)
        answer = self.answers.get(client_id)
        if isinstance(answer, FetchFailure):
            raise TriggerFetchFailed(answer)
        return answer if answer is not None else self._default(client_id, trigger_date)
