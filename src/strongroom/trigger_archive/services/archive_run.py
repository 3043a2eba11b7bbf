"""One archive run: every selected client's response for the day, fetched and stored.

Clients are read as a stream and handed to ``max_concurrency`` worker threads, at most as many
again queued for the next free worker (so a worker that finishes starts its next client
without waiting for the run's thread to wake), so memory holds the in-flight responses only;
outcomes are counted as they finish. One client's failure never stops the others. Once the time
budget runs low no client is started (it is checked again as a queued client is taken up): the
rest are counted ``not_attempted`` while those in flight finish.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from queue import SimpleQueue

from strongroom.core.observability import logger
from strongroom.core.timefmt import utc_now
from strongroom.trigger_archive.adapters import (
    ArchiveStore,
    ClientDirectory,
    TriggerFetchFailed,
    TriggerSource,
)
from strongroom.trigger_archive.domain import (
    Client,
    Outcome,
    RunResult,
    RunTally,
    TimeBudget,
    run_report_key,
)
from strongroom.trigger_archive.services.run_metrics import emit_run_metrics


@dataclass(frozen=True)
class RunPorts:
    directory: ClientDirectory
    source: TriggerSource
    store: ArchiveStore


@dataclass(frozen=True, slots=True)
class ClientDone:
    """What the progress hook hears once per client."""

    client: Client
    outcome: Outcome
    done: int
    error: str | None = None


ProgressHook = Callable[[ClientDone], None]


@dataclass(frozen=True, slots=True)
class _Finished:
    client: Client
    outcome: Outcome
    error: str | None = None


def archive_run(
    ports: RunPorts,
    *,
    trigger_date: date,
    run_id: str,
    budget: TimeBudget,
    max_concurrency: int,
    client_ids: Collection[int] | None = None,
    clock: Callable[[], datetime] = utc_now,
    progress: ProgressHook | None = None,
) -> RunResult:
    """Archive the day for every selected client (or ``client_ids`` of them), write the run
    report, emit the metrics and return the result. ``ClientListUnavailable`` propagates once
    the clients already started have finished."""
    if max_concurrency < 1:
        raise ValueError("max_concurrency must be at least 1")
    started = time.monotonic()
    tally = _ProgressTally(progress)
    worker = _ClientWorker(ports, trigger_date, budget, clock)
    selected: set[int] = set()  # only for a rerun's client_ids: as many as the request names
    with ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="trigger") as pool:
        in_flight = _InFlight()
        try:
            for client in ports.directory.clients(client_ids):
                if client_ids is not None:
                    selected.add(client.id)
                while in_flight.count >= 2 * max_concurrency:
                    tally.finish(in_flight.next_finished())
                if budget.allows_start():
                    in_flight.start(pool.submit(worker.archive, client))
                else:
                    tally.finish(_Finished(client, Outcome.NOT_ATTEMPTED))
        finally:
            while in_flight.count:
                tally.finish(in_flight.next_finished())

    not_selected = sorted(set(client_ids) - selected) if client_ids is not None else []
    if not_selected:
        logger.warning("requested clients are not selected by the client query", ids=not_selected)
    result = tally.result(
        trigger_date=trigger_date,
        run_id=run_id,
        duration_s=time.monotonic() - started,
        not_selected=not_selected,
    )
    ports.store.write_run_report(run_report_key(trigger_date, run_id), _report(result, clock()))
    emit_run_metrics(result)
    logger.info(
        "trigger archive run finished", **result.model_dump(mode="json", exclude={"errors"})
    )
    return result


@dataclass(frozen=True)
class _ClientWorker:
    ports: RunPorts
    trigger_date: date
    budget: TimeBudget
    clock: Callable[[], datetime]

    def archive(self, client: Client) -> _Finished:
        """Fetch and store one client; the response is dropped as soon as it is stored."""
        if not self.budget.allows_start():  # it ran low while the client was queued
            return _Finished(client, Outcome.NOT_ATTEMPTED)
        try:
            body = self.ports.source.fetch(client.id, self.trigger_date, self.budget)
            outcome = self.ports.store.store(client.id, self.trigger_date, body, self.clock())
        except TriggerFetchFailed as error:
            return _Finished(client, Outcome.FAILED, str(error))
        except Exception as error:  # one client's failure never stops the others
            logger.exception("client could not be archived", client_id=client.id)
            return _Finished(client, Outcome.FAILED, f"{type(error).__name__}: {error}")
        return _Finished(client, outcome)


class _InFlight:
    """The clients started and not yet counted. Each future queues itself when it finishes, so
    waiting for the next one costs the same however many are in flight
    (``concurrent.futures.wait`` installs and removes a waiter on every pending future per call,
    which at 64 in flight cost the run's thread a tenth of the client's CPU)."""

    def __init__(self) -> None:
        self._finished: SimpleQueue[Future[_Finished]] = SimpleQueue()
        self.count = 0

    def start(self, future: Future[_Finished]) -> None:
        self.count += 1
        future.add_done_callback(self._finished.put)

    def next_finished(self) -> _Finished:
        """Wait for a client to finish (counted off before its result is read)."""
        future = self._finished.get()
        self.count -= 1
        return future.result()


class _ProgressTally(RunTally):
    """The tally, told of each finished client (on the run's own thread), telling the hook."""

    def __init__(self, progress: ProgressHook | None) -> None:
        super().__init__()
        self._progress = progress

    def finish(self, done: _Finished) -> None:
        self.record(done.client, done.outcome, done.error)
        if done.outcome is Outcome.FAILED:
            logger.warning(
                "client failed",
                client_id=done.client.id,
                client_name=done.client.name,
                error=done.error,
            )
        if self._progress is not None:
            self._progress(ClientDone(done.client, done.outcome, self.total, done.error))


def _report(result: RunResult, written_at: datetime) -> bytes:
    document = {
        **result.model_dump(mode="json"),
        "archived": result.archived,
        "status_code": result.status_code,
        "written_at": written_at.isoformat(),
    }
    return json.dumps(document, indent=2).encode()
