"""What a run did for each client, counted as it goes, and the result it answers.

``successful_archives`` counts every client whose response for the date is in S3 after the run:
newly ``archived``, ``unchanged`` (the same bytes were already there) and ``changed`` (a new
version of the object). ``failed_archives`` counts clients that were tried and failed;
``not_attempted`` those the time budget left out. The seed's body keeps its four fields; the
others are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from strongroom.trigger_archive.domain.clients import Client

OK = 200
PARTIAL = 207


class Outcome(StrEnum):
    ARCHIVED = "archived"
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    FAILED = "failed"
    NOT_ATTEMPTED = "not_attempted"


STORED = frozenset({Outcome.ARCHIVED, Outcome.UNCHANGED, Outcome.CHANGED})


class ClientError(BaseModel):
    """One failed client, as in the seed's ``errors`` list."""

    model_config = ConfigDict(frozen=True)

    client_id: int
    client_name: str
    error: str


class RunResult(BaseModel):
    """The function's ``body``: the seed's four fields first, then strongroom's."""

    model_config = ConfigDict(frozen=True)

    total_clients: int
    successful_archives: int
    failed_archives: int
    errors: list[ClientError]
    unchanged: int
    changed: int
    not_attempted: int
    trigger_date: date
    run_id: str
    duration_s: float

    @property
    def archived(self) -> int:
        """Clients whose object was written for the first time."""
        return self.successful_archives - self.unchanged - self.changed

    @property
    def status_code(self) -> int:
        """200 only when every client's response is in S3; 207 otherwise."""
        return OK if self.failed_archives == 0 and self.not_attempted == 0 else PARTIAL

    @property
    def nothing_archived(self) -> bool:
        """Clients were selected but none is in S3: every attempted client failed (or none
        could be attempted). The invocation then fails."""
        return self.total_clients > 0 and self.successful_archives == 0


@dataclass
class RunTally:
    """Counts per outcome, kept as clients finish: memory does not grow with the client count,
    only the failures are listed."""

    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    errors: list[ClientError] = field(default_factory=list)

    def record(self, client: Client, outcome: Outcome, error: str | None = None) -> None:
        self.counts[outcome] += 1
        if outcome is Outcome.FAILED:
            self.errors.append(
                ClientError(client_id=client.id, client_name=client.name, error=error or "failed")
            )

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def result(self, *, trigger_date: date, run_id: str, duration_s: float) -> RunResult:
        return RunResult(
            total_clients=self.total,
            successful_archives=sum(self.counts[outcome] for outcome in STORED),
            failed_archives=self.counts[Outcome.FAILED],
            errors=list(self.errors),
            unchanged=self.counts[Outcome.UNCHANGED],
            changed=self.counts[Outcome.CHANGED],
            not_attempted=self.counts[Outcome.NOT_ATTEMPTED],
            trigger_date=trigger_date,
            run_id=run_id,
            duration_s=round(duration_s, 3),
        )


class ArchiveRunFailed(RuntimeError):
    """No selected client's response could be archived: the invocation fails (Lambda error),
    so the Errors alarm fires and Lambda's asynchronous retries apply."""

    def __init__(self, result: RunResult) -> None:
        self.result = result
        first = result.errors[0].error if result.errors else "no client could be attempted"
        super().__init__(
            f"trigger archive {result.trigger_date}: none of {result.total_clients} clients "
            f"archived ({result.failed_archives} failed, {result.not_attempted} not attempted); "
            f"first error: {first}"
        )


class ClientListUnavailable(RuntimeError):
    """The client list could not be read from the Mediant database: the invocation fails."""
