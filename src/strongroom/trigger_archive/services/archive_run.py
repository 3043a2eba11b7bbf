"""One archive run: every selected client's response for the day, fetched and stored.

Clients are read as a stream and started as workers free up, at most ``max_concurrency`` at a
time, so memory holds the in-flight responses only; outcomes are counted as they finish. One
client's failure never stops the others. Once the time budget runs low no client is started:
the rest are counted ``not_attempted`` while those in flight finish.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime

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
    with ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="trigger") as pool:
        in_flight: set[Future[_Finished]] = set()
        try:
            for client in ports.directory.clients(client_ids):
                while len(in_flight) >= max_concurrency:
                    in_flight = tally.collect(in_flight, return_when=FIRST_COMPLETED)
                if budget.allows_start():
                    in_flight.add(pool.submit(worker.archive, client))
                else:
                    tally.finish(_Finished(client, Outcome.NOT_ATTEMPTED))
        finally:
            tally.collect(in_flight, return_when=ALL_COMPLETED)

    result = tally.result(
        trigger_date=trigger_date, run_id=run_id, duration_s=time.monotonic() - started
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
        try:
            body = self.ports.source.fetch(client.id, self.trigger_date, self.budget)
            outcome = self.ports.store.store(client.id, self.trigger_date, body, self.clock())
        except TriggerFetchFailed as error:
            return _Finished(client, Outcome.FAILED, str(error))
        except Exception as error:  # one client's failure never stops the others
            logger.exception("client could not be archived", client_id=client.id)
            return _Finished(client, Outcome.FAILED, f"{type(error).__name__}: {error}")
        return _Finished(client, outcome)


class _ProgressTally(RunTally):
    """The tally, told of each finished client (on the run's own thread), telling the hook."""

    def __init__(self, progress: ProgressHook | None) -> None:
        super().__init__()
        self._progress = progress

    def collect(
        self, in_flight: set[Future[_Finished]], *, return_when: str
    ) -> set[Future[_Finished]]:
        """Wait as ``return_when`` says, record what finished, return what is still running."""
        completed, pending = wait(in_flight, return_when=return_when)
        for future in completed:
            self.finish(future.result())
        return set(pending)

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
