"""The SOXAuto-PG01 handler: the seed's payloads, its answers, and refusals naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from strongroom.sox_evidence import wiring
from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.adapters.nav_bi import SourceDatabase
from strongroom.sox_evidence.adapters.secret import SecretUnusable
from strongroom.sox_evidence.domain.cutoff import last_day_of_previous_month
from strongroom.sox_evidence.handlers import pg01
from strongroom.sox_evidence.services.run_records import list_runs
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.sox_evidence.evidence_support import in_memory_packager
from tests.unit.sox_evidence.support import source_for

CONTEXT = FakeLambdaContext(function_name="SOXAuto-PG01", remaining_millis=900_000)
ENVIRONMENT = {
    "S3_RESULTS_BUCKET": "jumia-sox-results",
    "S3_EVIDENCE_BUCKET": "jumia-sox-evidence",
    "ATHENA_DATABASE": "jumia_sox_db",
    "ATHENA_OUTPUT_LOCATION": "s3://jumia-sox-athena-staging/",
    "LOG_LEVEL": "INFO",
}


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, nav_bi: Path) -> Iterator[InMemoryResultsStore]:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    wiring.settings.cache_clear()
    fake = InMemoryResultsStore("jumia-sox-results")

    @contextmanager
    def open_source() -> Iterator[SourceDatabase]:
        yield source_for(nav_bi)

    monkeypatch.setattr(wiring, "open_source", open_source)
    monkeypatch.setattr(wiring, "results_store", lambda: fake)
    monkeypatch.setattr(wiring, "evidence_packager", in_memory_packager)
    yield fake
    wiring.settings.cache_clear()


def invoke(event: Any) -> dict[str, Any]:
    return pg01.handler(event, CONTEXT)  # type: ignore[arg-type]


def test_the_seeds_payload_runs_every_ipe_for_that_cutoff(store: InMemoryResultsStore) -> None:
    answer = invoke({"cutoff_date": "2024-01-31", "ipe_ids": ["CR_05"]})

    assert answer["statusCode"] == 200
    body = answer["body"]
    assert (body["cutoff_date"], body["cutoff_source"], body["trigger"]) == (
        "2024-01-31",
        "event",
        "invoke",
    )
    assert body["requester"] == CONTEXT.invoked_function_arn
    assert [ipe["status"] for ipe in body["ipes"]] == ["succeeded"]
    assert list_runs(store)[0].run_id == body["ipes"][0]["run_id"]


def test_an_empty_payload_uses_cutoff_date_from_the_environment(
    store: InMemoryResultsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUTOFF_DATE", "2024-02-29")
    wiring.settings.cache_clear()

    body = invoke({})["body"]

    assert (body["cutoff_date"], body["cutoff_source"]) == ("2024-02-29", "setting")
    assert [ipe["ipe_id"] for ipe in body["ipes"]] == ["CR_05", "IPE_07", "IPE_08"]


def test_the_schedule_runs_last_months_cutoff(store: InMemoryResultsStore) -> None:
    event = {"source": "aws.events", "detail-type": "Scheduled Event", "resources": ["rule"]}

    body = invoke(event)["body"]

    assert body["trigger"] == "schedule"
    today = datetime.now(UTC).date()
    assert body["cutoff_date"] == last_day_of_previous_month(today).isoformat()


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"cutoff_date": "2024-13-01"}, "cutoff_date"),
        ({"cutoff_date": "2999-01-31"}, "cutoff_date"),
        ({"cutoff": "2024-01-31"}, "cutoff"),
        ({"ipe_ids": ["IPE_99"]}, "ipe_ids"),
    ],
)
def test_a_bad_request_answers_400_naming_the_field_and_writes_nothing(
    store: InMemoryResultsStore, event: dict[str, Any], field: str
) -> None:
    answer = invoke(event)

    assert answer["statusCode"] == 400
    assert answer["body"]["errors"][0]["field"] == field
    assert store.objects == {}


def test_an_unreadable_secret_is_a_function_error_that_names_only_the_secret(
    store: InMemoryResultsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing can run: the invocation fails (the Errors alarm, the failed queue), no record."""

    @contextmanager
    def no_source() -> Iterator[SourceDatabase]:
        raise SecretUnusable("secret 'DB_CREDENTIALS_NAV_BI' could not be read")
        yield  # pragma: no cover

    monkeypatch.setattr(wiring, "open_source", no_source)

    with pytest.raises(SecretUnusable, match="DB_CREDENTIALS_NAV_BI"):
        invoke({"cutoff_date": "2024-01-31"})
    assert store.objects == {}


def test_ipes_that_would_start_too_close_to_the_timeout_are_recorded_not_attempted(
    store: InMemoryResultsStore,
) -> None:
    """With 60 s left and the 120 s margin, nothing starts, and every IPE says so."""
    short = FakeLambdaContext(function_name="SOXAuto-PG01", remaining_millis=60_000)

    answer = pg01.handler({"cutoff_date": "2024-01-31"}, short)  # type: ignore[arg-type]

    assert answer["statusCode"] == 500
    for outcome in answer["body"]["ipes"]:
        assert outcome["status"] == "failed"
        assert outcome["failure"].startswith("not attempted: 60 s of the function's time left")
    assert len(list_runs(store)) == 3
